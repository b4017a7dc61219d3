"""The course map: every topic of both course documents is in the data, and every name it uses exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_atlas.bibliography import load_bibliography
from mlops_atlas.course import (
    CourseError,
    check_courses,
    course_map_markdown,
    load_courses,
    load_glossary,
)
from mlops_atlas.diagrams import registry
from mlops_atlas.runner import available_examples

# As written in shared/seeds/003_549f4d40450b875f.txt (UBA), class by class.
UBA_TOPICS = {
    "1": [
        "El ciclo de vida del desarrollo de software. Modelo Agile y Waterfall",
        "Desafíos y necesidades en el uso de la Inteligencia Artificial en el desarrollo de Software",
        "Desarrollo de modelos de Inteligencia Artificial: desde la recolección de datos hasta el modelo",
        "El ciclo de vida del desarrollo de software que incluye Aprendizaje Automático",
        "¿Qué es DevOps? ¿Qué es MLOps?",
        "¿Por qué MLOps es importante?",
        "Revisión de literatura científica relacionada con estos temas.",
    ],
    "2": [
        "Modelos Baseline y métricas. Entrenamiento de Modelos. Uso de paralelismo para el entrenamiento de modelos",
        "Monitoreo. Detección de drifts. Concepto de Monitoreo Continuo",
        "Concepto de Entrenamiento Continuo. Integración del Entrenamiento Continuo dentro del flujo automatizado del software.",
        "Revisión de literatura científica relacionada con estos temas.",
    ],
    "3": [
        "Construcción de Flujos Automatizados de Datos",
        "Construcción de Flujos Automatizados de Aprendizaje Automático",
        "Organización de entornos: desarrollo, testeo y producción",
        "Definición de CI/CD. Integración con Herramientas Git.",
        "Revisión de literatura científica relacionada con estos temas.",
    ],
    "4": [
        "Posibles arquitecturas de Software que usan modelos de IA.",
        "Aprovisionamiento de equipos. Escalabilidad y confiabilidad. Desarrollo en la nube: ventajas y desventajas.",
        "Herramientas específicas open source para Aprendizaje Automático en Producción: Kubernetes, Kubeflow, Tensorflow, Docker",
        "Revisión de literatura científica relacionada con estos temas.",
    ],
    "5-7": [
        "Trabajo práctico con Kubeflow y Tensorflow de Aprendizaje Automático en Producción",
        "Revisión de literatura científica relacionada con estos temas.",
    ],
    "8": [
        "MLOps para IA Generativa.",
        "Revisión de literatura científica sobre temas relacionados con Aprendizaje Automático en Producción fuera del alcance del curso.",
        "Cierre del curso",
    ],
}

# As written in shared/seeds/000_a72d005a71af60cb.txt (TC5044): group heading -> its bullets.
TC5044 = {
    "prerequisites": {
        "Fundamentos de Aprendizaje Automático": [
            "Comprensión sólida de los conceptos básicos de aprendizaje automático, incluyendo algoritmos de clasificación, regresión y clustering.",
            "Familiaridad con técnicas de evaluación y validación de modelos.",
        ],
        "Programación y Desarrollo de Software": [
            "Habilidad para programar en lenguajes como Python o R.",
            "Conocimiento de librerías y frameworks de machine learning como scikit-learn, TensorFlow, y PyTorch.",
        ],
        "Sistemas de Bases de Datos y Big Data": [
            "Familiaridad con sistemas de gestión de bases de datos (SQL y NoSQL).",
            "Conocimiento de herramientas y técnicas para el manejo de grandes volúmenes de datos, como Hadoop y Spark.",
        ],
        "DevOps y Gestión de Infraestructura": [
            "Entendimiento de principios y prácticas de DevOps, incluyendo integración continua y despliegue continuo (CI/CD).",
            "Familiaridad con herramientas de gestión de infraestructura como Docker, Kubernetes, y Terraform.",
        ],
    },
    "skills": {
        "Despliegue y Mantenimiento de Modelos de ML": [
            "Capacidad para desplegar modelos de machine learning en entornos de producción.",
            "Habilidad para monitorizar, mantener y actualizar modelos desplegados.",
        ],
        "Automatización de Flujos de Trabajo de ML": [
            "Habilidad para automatizar flujos de trabajo de machine learning, incluyendo el preprocesamiento de datos, entrenamiento de modelos y evaluación continua.",
            "Capacidad para utilizar herramientas como Apache Airflow, MLflow o Kubeflow para gestionar flujos de trabajo de ML.",
        ],
        "Optimización y Escalabilidad de Modelos": [
            "Capacidad para optimizar modelos para mejorar su rendimiento y eficiencia.",
            "Habilidad para escalar modelos de machine learning para manejar grandes volúmenes de datos y alta demanda.",
        ],
        "Seguridad y Cumplimiento en ML": [
            "Conocimiento de prácticas de seguridad y cumplimiento normativo en el despliegue de modelos de machine learning.",
            "Capacidad para asegurar la integridad y privacidad de los datos utilizados en modelos de ML.",
        ],
    },
    "experience": {
        "Proyectos de ML en Producción": [
            "Participación en proyectos que involucren el despliegue y mantenimiento de modelos de machine learning en entornos de producción.",
            "Experiencia en la implementación de pipelines de datos y ML en la práctica.",
        ],
        "Competencias y Hackathons": [
            "Participación en competencias de machine learning y ciencia de datos.",
            "Experiencia en la resolución de desafíos de ML en escenarios competitivos y en la gestión de modelos en producción.",
        ],
        "Investigación y Desarrollo": [
            "Participación en proyectos de investigación relacionados con la automatización y operaciones de machine learning.",
            "Publicaciones o trabajos presentados en conferencias sobre MLOps, despliegue de modelos y escalabilidad.",
        ],
    },
}


@pytest.fixture(scope="module")
def course():
    return load_courses()


def test_every_uba_class_and_topic_is_in_the_data(course) -> None:
    data = {section.id: [topic.topic for topic in section.topics] for section in course.uba_classes}
    assert data == UBA_TOPICS


def test_every_tc5044_item_is_in_the_data(course) -> None:
    for group, headings in TC5044.items():
        data = {topic.topic: list(topic.items) for topic in course.tc5044[group]}
        assert data == headings, group


def test_every_name_in_the_map_exists_and_agrees_with_the_bib(course) -> None:
    problems = check_courses(course, load_bibliography(), available_examples(), registry())
    assert problems == []


def test_unknown_names_and_class_disagreements_are_reported(course) -> None:
    bibliography = load_bibliography()
    problems = check_courses(course, bibliography, examples=[], diagrams=[])
    assert (
        "topic 'Desafíos y necesidades en el uso de la Inteligencia Artificial en el desarrollo de Software': unknown example 'cace'"
        in problems
    )
    assert any("unknown diagram 'sculley2015-figure1'" in p for p in problems)
    bibliography.references["sculley2015hidden"].fields["uba-classes"] = "1"
    disagreement = check_courses(course, bibliography, available_examples(), registry())
    assert disagreement == [
        "sculley2015hidden: references.bib says uba-classes [1] but the course map lists it in classes [1, 2, 4]"
    ]


def test_topics_without_examples_say_so(course) -> None:
    text = course_map_markdown(
        course, load_bibliography(), language="en", page="course/index.md", reading_pages={}
    )
    assert "covered by readings only (no example yet)" in text
    assert "not covered on this site yet" in text  # "Cierre del curso" has nothing
    spanish = course_map_markdown(
        course, load_bibliography(), language="es", page="course/index.md", reading_pages={}
    )
    assert "### Clase 5-7: Práctica: Kubeflow y TensorFlow" in spanish
    assert "(../generated/downloads/classes/uba-clase-5.bib)" in spanish


def test_malformed_course_file_names_the_class(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "uba:\n  name: x\n  classes:\n    - id: '1'\n      title: {en: a, es: b}\n      orientation: {en: a, es: b}\n      topics:\n        - {topic: t}\ntc5044: {name: y, skills: [], prerequisites: [], experience: []}\n"
    )
    with pytest.raises(CourseError, match=r"c.yaml: UBA class 1: each topic needs 'topic'"):
        load_courses(path)


def test_glossary_uses_the_agreed_terms() -> None:
    terms = {entry.en: entry.es for entry in load_glossary()}
    assert terms["drift"].startswith("deriva")
    assert terms["feature store"] == "almacén de features"
    assert "pipeline" in terms["pipeline"]
