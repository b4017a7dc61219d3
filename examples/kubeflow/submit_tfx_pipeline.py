r"""Submit the compiled TFX-shaped pipeline to a Kubeflow Pipelines cluster.

This is the step this site does not run: it needs a cluster. First compile the
pipeline (``python examples/tfx_pipeline.py`` writes
``outputs/tfx_pipeline/tfx_pipeline.yaml``), build and push the components'
image (``mlops_atlas.pipelines.tfx.PIPELINE_IMAGE``), then::

    python examples/kubeflow/submit_tfx_pipeline.py outputs/tfx_pipeline/tfx_pipeline.yaml \\
        --host http://localhost:8080 --tracking-uri http://mlflow.mlflow.svc:5000

``--host`` is the Kubeflow Pipelines API, for example through
``kubectl port-forward -n kubeflow svc/ml-pipeline-ui 8080:80``;
``--tracking-uri`` is an MLflow server the pipeline's pods can reach.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import kfp


def submit(package: Path, *, host: str, tracking_uri: str, namespace: str | None = None) -> str:
    """Create a run of the compiled pipeline on the cluster at ``host``; return its run id."""
    client = kfp.Client(host=host)
    run = client.create_run_from_pipeline_package(
        str(package),
        arguments={"tracking_uri": tracking_uri},
        run_name="tfx-shaped-continuous-training",
        experiment_name="mlops-atlas",
        namespace=namespace,
    )
    return run.run_id


def main(argv: list[str] | None = None) -> str:
    """Parse the command line, submit, print the run id."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="the compiled pipeline (IR YAML)")
    parser.add_argument("--host", required=True, help="the Kubeflow Pipelines API endpoint")
    parser.add_argument("--tracking-uri", required=True, help="MLflow server for Evaluator/Pusher")
    parser.add_argument("--namespace", help="your profile's namespace (multi-user Kubeflow)")
    args = parser.parse_args(argv)
    if not args.package.is_file():
        parser.error(f"{args.package}: no such file; run 'python examples/tfx_pipeline.py' first")
    run_id = submit(
        args.package, host=args.host, tracking_uri=args.tracking_uri, namespace=args.namespace
    )
    print(f"submitted run {run_id}")
    return run_id


if __name__ == "__main__":
    main()
