"""Every framework caps what e-learning (level 1) and a knowledge test (level 2) show alone."""

from django.db import migrations

DEFAULT_CAPS = {"ELC": 1, "KT": 2}


def add_default_caps(apps, schema_editor):
    frameworks = apps.get_model("curriculum", "CompetencyFramework")
    methods = apps.get_model("curriculum", "AssessmentMethod")
    caps = apps.get_model("curriculum", "MethodCap")
    for framework in frameworks.objects.all():
        for order, method in enumerate(methods.objects.filter(code__in=DEFAULT_CAPS)):
            caps.objects.get_or_create(
                framework=framework,
                method=method,
                defaults={"max_level": DEFAULT_CAPS[method.code], "sort_order": order},
            )


class Migration(migrations.Migration):
    dependencies = [("curriculum", "0007_evidence_rules_and_method_review")]

    operations = [migrations.RunPython(add_default_caps, migrations.RunPython.noop)]
