"""Short names of the diagrams, for headings and lists (the captions say what to look at)."""

from __future__ import annotations

__all__ = ["HEADINGS"]

HEADINGS: dict[str, tuple[str, str]] = {
    "ashmore2021-lifecycle": ("The assured ML lifecycle", "El ciclo de vida del ML asegurado"),
    "baylor2017-data-validation": (
        "Where data validation sits",
        "Dónde está la validación de datos",
    ),
    "baylor2017-tfx-pipeline": ("A TFX pipeline today", "Un pipeline de TFX hoy"),
    "fowler2010-blue-green": ("Blue/green deployment", "Despliegue azul/verde"),
    "google-mlops-level0": ("Google's MLOps level 0", "Nivel 0 de MLOps de Google"),
    "google-mlops-level1": ("Google's MLOps level 1", "Nivel 1 de MLOps de Google"),
    "google-mlops-level2": ("Google's MLOps level 2", "Nivel 2 de MLOps de Google"),
    "huyen2022-ab-test": ("A/B test", "Prueba A/B"),
    "huyen2022-batch-prediction": ("Batch prediction", "Predicción por lotes"),
    "huyen2022-canary-release": ("Canary release", "Lanzamiento canario"),
    "huyen2022-continual-learning": (
        "Continual learning and test in production",
        "Aprendizaje continuo y prueba en producción",
    ),
    "huyen2022-edge-and-in-database": (
        "The model goes to the data: edge and database",
        "El modelo va a los datos: borde y base de datos",
    ),
    "huyen2022-iterative-process": (
        "The iterative process of ML systems",
        "El proceso iterativo de los sistemas de ML",
    ),
    "huyen2022-online-prediction": (
        "Online prediction behind an API",
        "Predicción en línea detrás de una API",
    ),
    "huyen2022-shadow-deployment": ("Shadow deployment", "Despliegue en sombra"),
    "huyen2022-streaming-prediction": (
        "Online prediction with streaming features",
        "Predicción en línea con atributos de streaming",
    ),
    "kreuzberger2023-architecture": (
        "The end-to-end MLOps architecture",
        "La arquitectura de MLOps de punta a punta",
    ),
    "kubeflow-on-kubernetes": ("Kubeflow on Kubernetes", "Kubeflow sobre Kubernetes"),
    "llmops-loop": ("The LLMOps loop", "El ciclo de LLMOps"),
    "sculley2015-figure1": ("The ML code is a small box", "El código de ML es un recuadro pequeño"),
    "shankar2022-stack": ("The MLOps stack", "La pila de MLOps"),
    "shankar2022-workflow": (
        "The ML engineering workflow",
        "El flujo de trabajo de la ingeniería de ML",
    ),
    "tfx-standard-pipeline": (
        "TFX's standard components and artifacts",
        "Los componentes y artefactos estándar de TFX",
    ),
}
"""Diagram name → (English, Spanish) short name. A diagram not listed is named by the
first clause of its caption."""
