from django.apps import AppConfig


def _use_framework_dirs(*, setting: str = "HRDD_FRAMEWORK_DIRS", **_: object) -> None:
    """Hand the setting HRDD_FRAMEWORK_DIRS to the framework loader (the one place that reads it)."""
    if setting != "HRDD_FRAMEWORK_DIRS":
        return
    from django.conf import settings

    from hrdd.domain.questionnaire_framework import use_framework_dirs

    use_framework_dirs(getattr(settings, "HRDD_FRAMEWORK_DIRS", ()))


class ConsultationsConfig(AppConfig):
    name = "hrdd.consultations"
    label = "consultations"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        _use_framework_dirs()
        setting_changed.connect(_use_framework_dirs, dispatch_uid="hrdd-framework-dirs")
