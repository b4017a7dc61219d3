"""TFX-style data validation (Baylor et al. 2017; Breck et al. 2019), runnable on pandas.

- `mlops_atlas.validation.statistics`: per-column statistics (TFDV's shape), of a
  frame in memory or of chunks; `mlops_atlas.validation.mergeable`: the
  per-chunk summaries that merge exactly; `mlops_atlas.validation.histograms`:
  TFDV's quantile-derived histograms.
- `mlops_atlas.validation.sources`: CSV and Parquet files, Arrow tables and
  frames read chunk by chunk (``stream_statistics``), memory bounded by the chunk;
  `mlops_atlas.validation.distributed`: the same on a Dask cluster.
- `mlops_atlas.validation.schema`: ``infer_schema`` with TFDV's rules; ``schema.pbtxt``
  files TFDV can read.
- `mlops_atlas.validation.anomalies`: ``validate_statistics`` with TFDV's anomaly
  types and messages, environments, drift and skew comparators; the findings are
  `mlops_atlas.validation.results`.
- `mlops_atlas.validation.drift`: L-infinity distance and approximate
  Jensen-Shannon divergence, computed as TFDV computes them.
- `mlops_atlas.validation.blessing`: the Evaluator's model-validation gate, per slice.
"""

from mlops_atlas.validation.anomalies import validate_statistics
from mlops_atlas.validation.blessing import BlessingResult, SliceFailure, bless, slice_metrics
from mlops_atlas.validation.drift import (
    align_histograms,
    jensen_shannon_divergence,
    l_infinity_distance,
)
from mlops_atlas.validation.mergeable import PartialStatistics, partial_statistics
from mlops_atlas.validation.results import Anomaly, Measurement, ValidationResult
from mlops_atlas.validation.schema import (
    SchemaError,
    get_feature,
    infer_schema,
    load_schema,
    save_schema,
    schema_to_text,
    schema_to_yaml,
    set_default_thresholds,
    set_environments,
)
from mlops_atlas.validation.sources import stream_statistics
from mlops_atlas.validation.statistics import (
    DatasetStatistics,
    FeatureStatistics,
    Histogram,
    StatisticsError,
    compute_statistics,
    compute_statistics_chunked,
)

__all__ = [
    "Anomaly",
    "BlessingResult",
    "DatasetStatistics",
    "FeatureStatistics",
    "Histogram",
    "Measurement",
    "PartialStatistics",
    "SchemaError",
    "SliceFailure",
    "StatisticsError",
    "ValidationResult",
    "align_histograms",
    "bless",
    "compute_statistics",
    "compute_statistics_chunked",
    "get_feature",
    "infer_schema",
    "jensen_shannon_divergence",
    "l_infinity_distance",
    "load_schema",
    "partial_statistics",
    "save_schema",
    "schema_to_text",
    "schema_to_yaml",
    "set_default_thresholds",
    "set_environments",
    "slice_metrics",
    "stream_statistics",
    "validate_statistics",
]
