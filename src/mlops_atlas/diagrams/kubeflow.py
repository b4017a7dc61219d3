"""Diagrams for Kubeflow, the platform (kubeflow.org; the community distribution's manifests)."""

from __future__ import annotations

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.database import SQL
from diagrams.k8s.compute import Deploy, Job, Pod
from diagrams.k8s.controlplane import API
from diagrams.k8s.storage import PVC
from diagrams.onprem.analytics import Spark
from diagrams.onprem.client import Users
from diagrams.onprem.identity import Dex
from diagrams.onprem.network import Istio
from diagrams.onprem.workflow import Kubeflow
from diagrams.programming.flowchart import Decision
from diagrams.programming.language import Python

from mlops_atlas.diagrams.legend import Key, titled_legend
from mlops_atlas.diagrams.render import register

_NODE = {"width": "1.0", "height": "1.75", "fontsize": "13", "imagescale": "true"}
_NOTE = {"fontsize": "13", "fontcolor": "#555555"}
_GRAPH = {
    "pad": "0.4",
    "fontsize": "18",
    "labelloc": "t",
    "newrank": "true",
    "ranksep": "0.6",
    "nodesep": "0.3",
    "splines": "spline",
}


def _zone(color: str, *, row: bool = False) -> dict[str, str]:
    # ``row``: the cluster's nodes share one rank, so the diagram reads as rows.
    return {"fontsize": "15", "margin": "14", "bgcolor": color, **({"rank": "same"} if row else {})}


@register(
    "kubeflow-on-kubernetes",
    title=(
        "Kubeflow on Kubernetes: the platform's shared services, the Kubeflow projects (each "
        "also installable alone) and the Kubernetes objects they create. In parentheses, the "
        "Kreuzberger et al. component each project provides (C3 orchestration, C5 training "
        "infrastructure, C6 model registry, C7 metadata, C8 serving). Dashed arrows: "
        "integrations you write or configure (a pipeline step that registers a model, a KServe "
        "service that loads a registered one). Layout is ours; names from kubeflow.org and the "
        "community distribution's manifests."
    ),
    reading="kubeflow",
    title_es=(
        "Kubeflow sobre Kubernetes: los servicios compartidos de la plataforma, los proyectos "
        "de Kubeflow (cada uno instalable también por separado) y los objetos de Kubernetes "
        "que crean. Entre paréntesis, el componente de Kreuzberger et al. que aporta cada "
        "proyecto (C3 orquestación, C5 infraestructura de entrenamiento, C6 registro de "
        "modelos, C7 metadatos, C8 servicio). Flechas punteadas: integraciones que usted "
        "escribe o configura (un paso del pipeline que registra un modelo, un servicio de "
        "KServe que carga uno registrado). La disposición es nuestra; los nombres, de "
        "kubeflow.org y de los manifiestos de la distribución de la comunidad."
    ),
)
def kubeflow_on_kubernetes(filename: str) -> None:
    """Users reach the projects through the platform; the projects run as Kubernetes objects."""
    heading = "Kubeflow on Kubernetes: one namespace per user, one project per stage"
    legend = [
        Key("an integration you write or configure", line="dashed", color="#7b8894"),
        Key("creates Kubernetes objects", line="solid", color="#888888"),
        Key("stores its data in", line="dotted", color="#888888"),
    ]
    with Diagram(
        heading,
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={**_GRAPH, "label": titled_legend(heading, legend, per_row=2)},
    ):
        with Cluster("People and their clients", graph_attr=_zone("#f4f6f7", row=True)):
            people = Users("data scientists,\nML engineers", **_NODE)
            sdk = Python("Python SDKs\n(kfp, kubeflow)", **_NODE)
        with Cluster(
            "Kubeflow AI reference platform:\nlogin, dashboard, one namespace per user",
            graph_attr=_zone("#eef4fb", row=True),
        ):
            gateway = Istio("Istio\ngateway", **_NODE)
            login = Dex("Dex,\nOAuth2-Proxy", **_NODE)
            dashboard = Kubeflow("Central\nDashboard", **_NODE)
        # seven projects in two rows: one row of seven shrank the text to 7 px on a page
        with Cluster(
            "Kubeflow projects (each can be installed alone)", graph_attr=_zone("#eefbf1")
        ):
            with Cluster("build, tune and train", graph_attr=_zone("#eefbf1", row=True)):
                notebooks = Pod("Notebooks\n(Jupyter servers)", **_NODE)
                pipelines = Kubeflow("Pipelines\n(C3, C7)", **_NODE)
                katib = Decision("Katib\n(tuning, AutoML)", **_NODE)
                trainer = Job("Trainer\n(C5)", **_NODE)
            with Cluster("prepare data, register and serve", graph_attr=_zone("#eefbf1", row=True)):
                spark = Spark("Spark Operator\n(data preparation)", **_NODE)
                registry = SQL("Model Registry,\nnow Hub (C6)", **_NODE)
                serving = Deploy("KServe\n(C8)", **_NODE)
        with Cluster("Kubernetes", graph_attr=_zone("#fbf6ee", row=True)):
            api = API("API server", **_NODE)
            pods = Pod(
                "pods: steps,\ntrials, workers,\nmodel servers", **{**_NODE, "height": "2.1"}
            )
            volumes = PVC("volumes, object\nstore, databases", **{**_NODE, "height": "1.9"})

        people >> Edge(label="browser", **_NOTE) >> gateway
        gateway >> login >> dashboard
        dashboard >> [notebooks, pipelines, katib, registry, serving]
        sdk >> Edge(label="IR YAML, runs", **_NOTE) >> pipelines
        sdk >> Edge(style="dashed") >> [trainer, katib]
        katib >> Edge(label="trials", **_NOTE) >> trainer
        pipelines >> Edge(style="dashed", label="register", **_NOTE) >> registry
        registry >> Edge(style="dashed", label="deploy", **_NOTE) >> serving
        for project in (notebooks, pipelines, katib, trainer, spark, serving):
            project >> Edge(color="#888888") >> api
        api >> pods
        # the rows share columns: invisible edges stack each node over its neighbour below
        for upper, lower in ((pipelines, registry), (katib, serving), (notebooks, spark)):
            upper >> Edge(style="invis", weight="10") >> lower
        pods >> Edge(style="dotted", arrowhead="none", color="#888888") >> volumes
