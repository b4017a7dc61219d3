"""Diagrams for Huyen 2022, "Designing Machine Learning Systems": serving and testing in production.

Chapter 7 (model deployment and prediction service): batch prediction, online prediction
with batch features, online prediction with streaming features, and inference on the edge
(with in-database scoring beside it, which the example runs). Chapter 9 (test in
production): shadow deployment, canary release, A/B testing. Layout and grouping are ours.
"""

from __future__ import annotations

import functools

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.blank import Blank
from diagrams.generic.database import SQL
from diagrams.generic.device import Mobile
from diagrams.generic.storage import Storage
from diagrams.k8s.clusterconfig import HPA
from diagrams.k8s.compute import Pod
from diagrams.k8s.network import Service
from diagrams.onprem.analytics import Flink
from diagrams.onprem.client import Users
from diagrams.onprem.queue import Kafka
from diagrams.programming.flowchart import Decision, Display, MultipleDocuments, PredefinedProcess

from mlops_atlas.diagrams.render import labelled_node, register

_node = functools.partial(labelled_node, fontsize=14)
_GRAPH = {"pad": "0.4", "fontsize": "20", "labelloc": "t", "ranksep": "0.7", "nodesep": "0.5"}
_NOTE = {"fontsize": "13", "fontcolor": "#333333"}
_ANSWER = {"color": "#1a5276", "penwidth": "2", **_NOTE}  # traffic whose answer users get
_COPY = {"color": "#888888", "style": "dashed", **_NOTE}  # copied traffic, answer discarded
_WATCH = {"color": "#c0392b", "style": "dotted", **_NOTE}  # monitoring and decisions
_ZONE = {"fontsize": "15", "margin": "14"}


def _diagram(title: str, filename: str, direction: str = "LR") -> Diagram:
    return Diagram(
        title, filename=filename, outformat="svg", show=False, direction=direction,
        graph_attr=_GRAPH,
    )  # fmt: skip


def _legend(*entries: tuple[str, dict[str, str]]) -> None:
    """A legend: one labelled edge per kind of arrow the diagram uses."""
    with Cluster("Legend", graph_attr={**_ZONE, "bgcolor": "#ffffff", "style": "dashed"}):
        for label, style in entries:
            start = Blank("", width="0.2", height="0.2")
            end = Blank("", width="0.2", height="0.2")
            start >> Edge(label=label, **style) >> end


@register(
    "huyen2022-batch-prediction",
    title=(
        "Batch prediction (Huyen, ch. 7): a scheduled job scores everyone ahead of time and "
        "stores the predictions; the application only looks them up."
    ),
    reading="huyen2022designing",
    title_es=(
        "Predicción por lotes (Huyen, cap. 7): un trabajo programado puntúa a todos por "
        "adelantado y guarda las predicciones; la aplicación solo las consulta."
    ),
)
def batch_prediction(filename: str) -> None:
    """Scheduler, batch job over the warehouse, prediction table, look-up at request time."""
    with _diagram("Batch prediction: compute ahead, look up later", filename):
        with Cluster(
            "Offline, on a schedule (e.g. nightly)", graph_attr={**_ZONE, "bgcolor": "#eef4fb"}
        ):
            warehouse = _node(SQL, "data warehouse\n(batch features)")
            job = _node(PredefinedProcess, "batch job:\nmodel scores\nall rows")
            table = _node(Storage, "prediction\ntable")
            warehouse >> job >> Edge(label="write") >> table
        users = _node(Users, "application\n(at request time)")
        users >> Edge(label="look up:\nfast, possibly stale", **_ANSWER) >> table


@register(
    "huyen2022-online-prediction",
    title=(
        "Online prediction behind an API (Huyen, ch. 7; Kreuzberger et al., §5: the serving "
        "component C8 in a container behind a REST API), drawn as the example's Kubernetes "
        "objects: a Service spreads requests over ready pods, an autoscaler sizes them."
    ),
    reading="huyen2022designing",
    title_es=(
        "Predicción en línea detrás de una API (Huyen, cap. 7; Kreuzberger et al., §5: el "
        "componente de servicio C8 en un contenedor detrás de una API REST), dibujada como "
        "los objetos de Kubernetes del ejemplo: un Service reparte las solicitudes entre los "
        "pods listos y un escalador automático ajusta su cantidad."
    ),
)
def online_prediction(filename: str) -> None:
    """Clients, a Service, replicas of the model server, an HPA, batch features."""
    with _diagram("Online prediction: a prediction per request", filename, direction="TB"):
        users = _node(Users, "clients")
        service = _node(Service, "Service\n(load balancing)")
        with Cluster(
            "Deployment: replicas of the model server",
            graph_attr={**_ZONE, "bgcolor": "#eefbf1", "rank": "same"},
        ):
            autoscaler = _node(HPA, "autoscaler\n(CPU target)")
            pods = [_node(Pod, f"pod {n}\n(ready)") for n in (1, 2)]
        features = _node(SQL, "online feature\nstore (optional)")
        users >> Edge(label="request / answer", **_ANSWER) >> service
        for pod in pods:
            service >> Edge(**_ANSWER) >> pod
            pod >> Edge(style="dashed", color="#888888") >> features
        autoscaler >> Edge(label="adds or\nremoves pods", constraint="false", **_WATCH) >> pods[-1]
        _legend(("answers users", _ANSWER), ("reads features", _COPY), ("scales", _WATCH))


@register(
    "huyen2022-streaming-prediction",
    title=(
        "Online prediction with streaming features (Huyen, ch. 7): events flow through a "
        "real-time transport, stream processing keeps fresh features, and the prediction "
        "service combines them with batch features."
    ),
    reading="huyen2022designing",
    title_es=(
        "Predicción en línea con atributos de streaming (Huyen, cap. 7): los eventos pasan "
        "por un transporte en tiempo real, el procesamiento de flujos mantiene atributos "
        "frescos y el servicio de predicción los combina con atributos por lotes."
    ),
)
def streaming_prediction(filename: str) -> None:
    """Events, a transport, stream processing, features, the prediction service."""
    with _diagram("Streaming features: predictions on fresh data", filename):
        users = _node(Users, "application\nevents")
        transport = _node(Kafka, "real-time\ntransport\n(e.g. Kafka)")
        stream = _node(Flink, "stream processing\n(e.g. Flink)")
        with Cluster("Features", graph_attr={**_ZONE, "bgcolor": "#fbf6ee"}):
            fresh = _node(Storage, "streaming\nfeatures\n(last minutes)")
            batch = _node(SQL, "batch features\n(from the\nwarehouse)")
        model = _node(Pod, "prediction\nservice")
        users >> transport >> stream >> fresh
        fresh >> model
        batch >> model
        users >> Edge(label="request / answer", **_ANSWER) >> model


@register(
    "huyen2022-edge-and-in-database",
    title=(
        "Taking the model to the data: on the edge device (Huyen, ch. 7: no network round "
        "trip, the data stays on the device) or inside the database as SQL (not in the "
        "course readings; the example runs it in SQLite)."
    ),
    reading="huyen2022designing",
    title_es=(
        "Llevar el modelo a los datos: en el dispositivo del borde (Huyen, cap. 7: sin ida y "
        "vuelta por la red, los datos se quedan en el dispositivo) o dentro de la base de "
        "datos como SQL (no está en las lecturas del curso; el ejemplo lo ejecuta en SQLite)."
    ),
)
def edge_and_in_database(filename: str) -> None:
    """Two places a model runs without a prediction service: a device, a database."""
    with _diagram("The model goes to the data", filename, direction="TB"):
        with Cluster("On the edge", graph_attr={**_ZONE, "bgcolor": "#eef4fb", "rank": "same"}):
            trained = _node(Storage, "trained model\n(compressed,\ncompiled)")
            device = _node(Mobile, "device runs\nthe model:\nno network")
            trained >> Edge(label="shipped\nwith the app") >> device
        with Cluster("In the database", graph_attr={**_ZONE, "bgcolor": "#eefbf1", "rank": "same"}):
            rows = _node(SQL, "customers\ntable")
            expression = _node(PredefinedProcess, "model as a\nSQL expression")
            scored = _node(Storage, "predictions\ntable")
            rows >> expression >> Edge(label="CREATE TABLE\n... AS SELECT") >> scored


def _models(challenger: str) -> tuple[object, object]:
    return _node(Pod, "champion\nv1"), _node(Pod, challenger)


@register(
    "huyen2022-shadow-deployment",
    title=(
        "Shadow deployment (Huyen, ch. 9; Shankar et al., §4.4.3: the shadow stage): every "
        "request also goes to the challenger, whose predictions are logged and compared, "
        "never returned to users."
    ),
    reading="huyen2022designing",
    title_es=(
        "Despliegue en sombra (Huyen, cap. 9; Shankar et al., §4.4.3: la etapa de sombra): "
        "cada solicitud va también al retador, cuyas predicciones se registran y se comparan, "
        "y nunca se devuelven a los usuarios."
    ),
)
def shadow_deployment(filename: str) -> None:
    """A router answers with the champion and copies each request to the challenger."""
    with _diagram("Shadow deployment: the challenger sees all traffic, answers no one", filename):
        users = _node(Users, "users")
        router = _node(Decision, "router:\ncopies every\nrequest")
        champion, challenger = _models("challenger\nv2 (shadow)")
        log = _node(MultipleDocuments, "prediction log:\ncompare v1 and v2")
        users >> Edge(label="100%", **_ANSWER) >> router >> Edge(**_ANSWER) >> champion
        router >> Edge(label="copy", **_COPY) >> challenger
        champion >> Edge(**_WATCH) >> log
        challenger >> Edge(**_WATCH) >> log
        _legend(("answers users", _ANSWER), ("copy, discarded", _COPY), ("logged", _WATCH))


@register(
    "huyen2022-canary-release",
    title=(
        "Canary release (Huyen, ch. 9; Shankar et al., §4.4.3: staged deployment): a small "
        "share of traffic goes to the new model; the share grows while its metrics hold, "
        "and returns to zero (rollback) when they do not."
    ),
    reading="huyen2022designing",
    title_es=(
        "Lanzamiento canario (Huyen, cap. 9; Shankar et al., §4.4.3: despliegue por etapas): "
        "una pequeña parte del tráfico va al modelo nuevo; esa parte crece mientras sus "
        "métricas se sostienen y vuelve a cero (vuelta atrás) cuando no."
    ),
)
def canary_release(filename: str) -> None:
    """A weighted router, the canary, a monitor that ramps up or rolls back."""
    with _diagram("Canary release: a little traffic first, more if it holds", filename):
        users = _node(Users, "users")
        router = _node(Decision, "router:\nweights")
        champion, canary = _models("canary\nv2")
        monitor = _node(Display, "monitor errors,\nlatency, metrics:\nramp up or\nroll back")
        users >> Edge(**_ANSWER) >> router
        router >> Edge(label="95%", **_ANSWER) >> champion
        router >> Edge(label="5% → 25% → 100%", **_ANSWER) >> canary
        canary >> Edge(**_WATCH) >> monitor
        _legend(("answers users", _ANSWER), ("monitoring, decision", _WATCH))


@register(
    "huyen2022-ab-test",
    title=(
        "A/B test (Huyen, ch. 9): users are split at random between two models, both "
        "answer, and a statistical test on the outcomes decides."
    ),
    reading="huyen2022designing",
    title_es=(
        "Prueba A/B (Huyen, cap. 9): los usuarios se reparten al azar entre dos modelos, "
        "ambos responden y una prueba estadística sobre los resultados decide."
    ),
)
def ab_test(filename: str) -> None:
    """A random split by user, both models serving, an experiment analysis."""
    with _diagram("A/B test: a randomized experiment on users", filename):
        users = _node(Users, "users")
        router = _node(Decision, "random split\nby user")
        model_a, model_b = _node(Pod, "model A\n(control)"), _node(Pod, "model B\n(treatment)")
        analysis = _node(Display, "product metric,\nstatistical test")
        users >> Edge(**_ANSWER) >> router
        router >> Edge(label="50%", **_ANSWER) >> model_a
        router >> Edge(label="50%", **_ANSWER) >> model_b
        model_a >> Edge(**_WATCH) >> analysis
        model_b >> Edge(**_WATCH) >> analysis
        _legend(("answers users", _ANSWER), ("outcomes measured", _WATCH))
