"""LLMOps evaluation loop: answer templates versioned, evaluated offline, promoted by a gate.

Illustrates MLOps for generative AI (UBA clase 8), as taught on the reading page
of Chandrasehar 2023, "LLMOps: Evaluating and Fine Tuning LLM Models for
Generative AI" (``chandrasehar2023llmops``), whose reference could not be
verified: the loop of prompt versions, evaluation with scorers, a regression
gate and a production alias, run with verified tools [Lewis et al. 2020 (RAG);
Es et al. 2024 (RAGAS)]. A question-answering system retrieves passages of this
site's reading pages (TF-IDF) and fills an answer template; three template
versions live in MLflow's prompt registry, each is evaluated with
``mlflow.genai.evaluate`` and code scorers (hit@k, groundedness, answer
similarity), and only a version that is not worse than production is promoted.
No language model, no API key, no download.

Run it: ``python examples/llmops_evaluation.py`` (seconds; the runs and the
prompts go to MLflow, the figure to ``outputs/llmops_evaluation/``).
"""

# %%
# The corpus: every reading page of this site, cut into passages; a TF-IDF
# retriever over them; and twelve questions with the page and phrase of the passage
# that answers each, and a short reference answer.
import os
from pathlib import Path

from mlops_atlas.llmops import PassageQA, Retriever, load_passages, load_questions

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # offline: MLflow sends no usage data
HERE = Path(__file__).resolve().parent
CACHE_INPUTS = [
    "docs/readings/*.md"
]  # what it reads besides itself: the site runs it again on a change
passages = load_passages(HERE.parent / "docs" / "readings")
questions = load_questions(HERE / "llmops" / "questions.yaml")
qa = PassageQA(Retriever(passages), k=3)
print(f"{len(passages)} passages from {len({p.page for p in passages})} reading pages")
print(f"{len(questions)} questions in the evaluation set")

# %%
# Three answer templates, registered as versions of one prompt in MLflow's
# prompt registry (registering is idempotent: a template already there is not
# added again). v1, in production, answers with the first sentence of the best
# passage; v2 with the whole passage; v3 is v2 with a friendly closing line that
# no passage supports, the kind of sentence a language model adds on its own.
from mlops_atlas.llmops import production_version, promote, register_template

PROMPT = "atlas-reading-answer"
templates = [
    register_template(PROMPT, "{{lead}}", "v1: the first sentence of the best passage"),
    register_template(PROMPT, "{{passage}}", "v2: the best passage, whole"),
    register_template(
        PROMPT,
        "{{passage}} This is one of the most important ideas in MLOps.",
        "v3: v2 with a friendly closing line",
    ),
]
promote(templates[0], "in production before this evaluation")
for template in templates:
    print(f"{template.uri}: {template.template!r}")
question = questions[6].question
print(f"\nQ: {question}")
for template in templates:
    text = qa.answer(question, template.template).text
    print(
        f"v{template.version} ({len(text.split())} words): {text[:140]}{'...' if len(text) > 140 else ''}"
    )

# %%
# Each version answers the whole evaluation set in its own MLflow run, scored by
# code: hit@k (was the expected passage among the three retrieved?),
# groundedness (share of the answer's sentences found word for word in the
# retrieved text) and answer similarity (TF-IDF cosine with the reference answer).
from mlops_atlas.llmops import METRICS, evaluate_template

runs = {template.version: evaluate_template(template, qa, questions) for template in templates}
print(f"{'version':<9}" + "".join(f"{name:>19}" for name in METRICS))
for version, run in runs.items():
    print(f"v{version:<8}" + "".join(f"{run.metrics[name]:>19.3f}" for name in METRICS))
missed = [score["question"] for score in runs[1].scores if score["hit_at_k"] == 0]
print(f"questions whose passage was not retrieved: {len(missed)}")
for text in missed:
    print(f"  - {text}")

# %%
# The regression gate: a candidate replaces production only if no metric is
# worse. v2 against v1, then v3 against whichever is in production.
from mlops_atlas.llmops import regression_gate

decisions = {}
for candidate in templates[1:]:
    current = production_version(PROMPT)
    decision = regression_gate(runs[candidate.version].metrics, runs[current.version].metrics)
    decisions[candidate.version] = decision
    print(f"\nv{candidate.version} against production v{current.version}: {decision.explain()}")
    if decision.promote:
        promote(candidate, f"not worse than v{current.version} on {', '.join(METRICS)}")
promoted = production_version(PROMPT)
print(f"\nin production: v{promoted.version} ({promoted.template!r})")

# %%
# A figure: each version's mean score per metric; the one in production is marked.
from mlops_atlas.llmops.charts import plot_runs
from mlops_atlas.outputs import output_dir, save_figure

figure = plot_runs(runs, production=promoted.version)
saved = save_figure(figure, output_dir("llmops_evaluation"), "llmops_evaluation-scores")
print(f"figure: {saved.name}")
