"""Answer templates as versions in MLflow's prompt registry, and an alias for the one in production.

Registering is idempotent: a template already registered under the name is not
registered again, so re-running an example does not pile up versions.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TemplateVersion", "production_version", "promote", "register_template"]


@dataclass(frozen=True)
class TemplateVersion:
    """A registered template.

    Attributes:
        name: The prompt's name in the registry.
        version: Its version number.
        template: The template text, with ``{{variables}}``.
    """

    name: str
    version: int
    template: str

    @property
    def uri(self) -> str:
        """``prompts:/NAME/VERSION``."""
        return f"prompts:/{self.name}/{self.version}"


def _client():
    from mlflow import MlflowClient

    return MlflowClient()


def register_template(name: str, template: str, message: str) -> TemplateVersion:
    """Register ``template`` as a version of the prompt ``name`` (or find it already there).

    Args:
        name: The prompt's name.
        template: Its text, with ``{{variables}}``.
        message: The commit message of a new version.

    Returns:
        The version holding this template.
    """
    client = _client()
    if client.get_prompt(name) is not None:
        for existing in client.search_prompt_versions(name):
            if existing.template == template:
                return TemplateVersion(name, int(existing.version), template)
    created = client.register_prompt(name=name, template=template, commit_message=message)
    return TemplateVersion(name, int(created.version), template)


def production_version(name: str, alias: str = "production") -> TemplateVersion | None:
    """The version the alias points at, or None when it points nowhere yet."""
    from mlflow.exceptions import MlflowException

    client = _client()
    if client.get_prompt(name) is None:
        return None
    try:
        found = client.get_prompt_version_by_alias(name, alias)
    except MlflowException:
        return None
    return TemplateVersion(name, int(found.version), found.template)


def promote(version: TemplateVersion, reason: str, alias: str = "production") -> None:
    """Point ``alias`` at ``version`` and record why on the version (tag ``gate``)."""
    client = _client()
    client.set_prompt_alias(version.name, alias, version.version)
    client.set_prompt_version_tag(version.name, version.version, "gate", reason)
