"""The words the site writes by itself, in each of its languages.

Pages are written by people in English and Spanish (``NAME.md`` and its twin
``NAME.es.md``); everything the build adds to them (citation blocks, captions,
download labels, the references list, the course map's labels) comes from
`WORDS`, in the language of the page it lands on.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGUAGES", "TOPICS", "WORDS", "Language", "language_of", "topic_label", "word"]

Language = Literal["en", "es"]

LANGUAGES: tuple[Language, ...] = ("en", "es")
"""The site's languages; English is the default."""

WORDS: dict[str, dict[str, str]] = {
    "cite_this_work": {"en": "Cite this work", "es": "Cómo citar esta obra"},
    "entry_in_bibliography": {
        "en": "entry in the bibliography",
        "es": "entrada en la bibliografía",
    },
    "not_verified": {"en": "Not verified", "es": "No verificado"},
    "check_before_citing": {
        "en": "Check the source before citing.",
        "es": "Verifique la fuente antes de citar.",
    },
    "generated_from": {"en": "Generated from", "es": "Generado desde"},
    "open_full_size": {"en": "Open full size", "es": "Abrir en tamaño completo"},
    "example": {"en": "Example", "es": "Ejemplo"},
    "figure_produced_by": {"en": "Figure {name} produced by", "es": "Figura {name} producida por"},
    "reading": {"en": "Reading", "es": "Lectura"},
    "references": {"en": "References", "es": "Referencias"},
    "entry_and_bibtex": {"en": "Entry and BibTeX", "es": "Entrada y BibTeX"},
    "cited_on": {"en": "Cited on", "es": "Citada en"},
    "downloads": {"en": "Downloads", "es": "Descargas"},
    "everything": {"en": "Everything", "es": "Todo"},
    "by_uba_class": {"en": "By UBA class", "es": "Por clase de la UBA"},
    "by_topic": {"en": "By topic", "es": "Por tema"},
    "course_bibliography": {"en": "Course bibliography", "es": "Bibliografía del curso"},
    "course_bibliography_intro": {
        "en": "The works of the UBA course bibliography, in the order the course lists them.",
        "es": "Las obras de la bibliografía del curso de la UBA, en el orden en que el curso las lista.",
    },
    "companion_readings": {"en": "Companion readings", "es": "Lecturas complementarias"},
    "companion_readings_intro": {
        "en": "Works the reading pages lean on, grouped by their first topic.",
        "es": "Obras en las que se apoyan las páginas de lectura, agrupadas por su primer tema.",
    },
    "download_notebook": {
        "en": "Download the notebook (.ipynb)",
        "es": "Descargar el notebook (.ipynb)",
    },
    "download_script": {"en": "Download the script (.py)", "es": "Descargar el script (.py)"},
    "cell": {"en": "cell", "es": "celda"},
    "download_project": {
        "en": "Download the project (.zip)",
        "es": "Descargar el proyecto (.zip)",
    },
    "download_project_then": {
        "en": "everything to set it up, run the examples and test them: unzip it, then run "
        "`python3 dev.py test` in its folder (Debian or Ubuntu with Python 3.11).",
        "es": "todo lo necesario para instalarlo, ejecutar los ejemplos y probarlos: "
        "descomprímalo y ejecute `python3 dev.py test` en su carpeta (Debian o Ubuntu con "
        "Python 3.11).",
    },
    "or_clone": {"en": "Or clone the repository", "es": "O clone el repositorio"},
    "output": {"en": "Output", "es": "Salida"},
}
"""Each phrase the build writes, by key, in every language of `LANGUAGES`."""


def word(key: str, language: str, **values: str) -> str:
    """A phrase in the given language (English when the language is unknown).

    Examples:
        >>> word("cite_this_work", "es")
        'Cómo citar esta obra'
        >>> word("figure_produced_by", "en", name="cace-weights")
        'Figure cace-weights produced by'
    """
    phrases = WORDS[key]
    return phrases.get(language, phrases["en"]).format(**values)


TOPICS: dict[str, dict[str, str]] = {
    "architecture": {"en": "Architecture", "es": "Arquitectura"},
    "assurance": {"en": "Assurance", "es": "Aseguramiento"},
    "data-validation": {"en": "Data validation", "es": "Validación de datos"},
    "deployment": {"en": "Deployment", "es": "Despliegue"},
    "documentation": {"en": "Documentation", "es": "Documentación"},
    "drift": {"en": "Drift", "es": "Deriva"},
    "evaluation": {"en": "Evaluation", "es": "Evaluación"},
    "experiment-tracking": {"en": "Experiment tracking", "es": "Seguimiento de experimentos"},
    "fine-tuning": {"en": "Fine-tuning", "es": "Ajuste fino"},
    "interview-study": {"en": "Interview studies", "es": "Estudios con entrevistas"},
    "llmops": {"en": "LLMOps", "es": "LLMOps"},
    "maturity": {"en": "Maturity", "es": "Madurez"},
    "mlops": {"en": "MLOps", "es": "MLOps"},
    "monitoring": {"en": "Monitoring", "es": "Monitoreo"},
    "pipelines": {"en": "Pipelines", "es": "Pipelines"},
    "platform": {"en": "Platforms", "es": "Plataformas"},
    "retrieval": {"en": "Retrieval", "es": "Recuperación"},
    "technical-debt": {"en": "Technical debt", "es": "Deuda técnica"},
    "testing": {"en": "Testing", "es": "Pruebas"},
}
"""Labels of the bibliography's topics (its ``keywords``), by topic and language."""


def topic_label(topic: str, language: str) -> str:
    """A bibliography topic as a heading in ``language``; unknown topics are spelled out.

    Examples:
        >>> topic_label("mlops", "en"), topic_label("data-validation", "es")
        ('MLOps', 'Validación de datos')
        >>> topic_label("feature-stores", "en")
        'Feature stores'
    """
    if topic in TOPICS:
        return word_in(TOPICS[topic], language)
    return topic.replace("-", " ").capitalize()


def word_in(phrases: dict[str, str], language: str) -> str:
    """``phrases[language]``, else the English phrase."""
    return phrases.get(language, phrases["en"])


def language_of(page: str) -> Language:
    """The language of a docs page from its name: ``NAME.es.md`` is Spanish, the rest English.

    Examples:
        >>> language_of("readings/baylor2017tfx.es.md"), language_of("index.md")
        ('es', 'en')
    """
    return "es" if page.endswith(".es.md") else "en"
