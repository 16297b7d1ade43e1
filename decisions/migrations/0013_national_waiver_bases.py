"""The national legal bases a preparatory step may be dispensed by, from the Provisional Regulations
(Order No. 713) as DESIGN.md reads them: public participation, except a matter that may lawfully
not be disclosed (Art 14); expert argument, for matters of strong professional or technical nature
only (Art 19); risk assessment, where implementation may harm social stability or public safety,
and not repeated where an earlier lawful assessment covers it (Art 22).

The rows are written here as they stood when seeded (a migration does not follow later code); the
administrators maintain the list from then on, and add local rules (Art 43).
"""

from django.db import migrations

NATIONAL_BASES = [
    {
        "citation": "Art 14",
        "title": "依法不予公开的决策事项",
        "text": "决策承办单位应当采取便于社会公众参与的方式充分听取意见，依法不予公开的决策事项除外。",
        "steps": ["public_participation"],
    },
    {
        "citation": "Art 19",
        "title": "专业性、技术性不强的决策事项",
        "text": "对专业性、技术性较强的决策事项，决策承办单位应当组织专家、专业机构论证其必要性、可行性、科学性等，并提供必要保障。",
        "steps": ["expert_argument"],
    },
    {
        "citation": "Art 22",
        "title": "决策实施不会对社会稳定、公共安全等方面造成不利影响",
        "text": "重大行政决策的实施可能对社会稳定、公共安全等方面造成不利影响的，决策承办单位或者负责风险评估工作的其他单位应当组织评估决策草案的风险可控性。",
        "steps": ["risk_assessment"],
    },
    {
        "citation": "Art 22",
        "title": "已按照有关规定对有关风险进行评价、评估，不作重复评估",
        "text": "按照有关规定已对有关风险进行评价、评估的，不作重复评估。",
        "steps": ["risk_assessment"],
    },
]


def seed(apps, schema_editor):
    WaiverBasis = apps.get_model("decisions", "WaiverBasis")
    for row in NATIONAL_BASES:
        WaiverBasis.objects.get_or_create(
            government=None, citation=row["citation"], title=row["title"], defaults={**row, "active": True}
        )


def unseed(apps, schema_editor):
    WaiverBasis = apps.get_model("decisions", "WaiverBasis")
    for row in NATIONAL_BASES:
        WaiverBasis.objects.filter(
            government=None, citation=row["citation"], title=row["title"], requests__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("decisions", "0012_waiver_requests")]

    operations = [migrations.RunPython(seed, unseed)]
