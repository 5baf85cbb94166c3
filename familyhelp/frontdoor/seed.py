"""The partnership's starting threshold guidance: four levels of need.

Put in place after `migrate` when the table is empty (post_migrate, so the tests' flush brings it
back too). A partnership edits the levels on the threshold guidance page; nothing here touches a
table that has rows.
"""

# number, name, summary, descriptors (one per line)
LEVELS = [
    (
        1,
        "Universal",
        "Needs are met by universal services: schools, GPs, health visitors, family hubs.",
        "Healthy, safe and developing well for their age\n"
        "Parents meet the child's needs with the support any family uses\n"
        "Attends school or a setting regularly and is making progress",
    ),
    (
        2,
        "Early help",
        "Additional needs one agency or a little joined-up help can meet, with the family's "
        "consent.",
        "Some concerns about development, behaviour, attendance or health\n"
        "Parents need advice or a short piece of support, such as a parenting course\n"
        "Low-level worries about housing, money or isolation",
    ),
    (
        3,
        "Targeted and complex",
        "Several needs that need a lead professional and a team around the family: Family Help.",
        "Needs across more than one area of the child's life, or needs that have not improved "
        "with early help\n"
        "Parenting capacity affected by mental health, substance misuse or domestic abuse\n"
        "Persistent absence, exclusion, or risk of offending or exploitation",
    ),
    (
        4,
        "Specialist and statutory",
        "A child in need or at risk of significant harm: children's social care.",
        "A child has suffered, or is likely to suffer, significant harm\n"
        "Parents cannot keep the child safe, even with support\n"
        "Needs that can only be met by specialist or statutory services",
    ),
]


def levels_seed_if_empty(sender=None, using="default", **kwargs) -> int:
    """post_migrate receiver: create the four levels when there are none; returns how many."""
    from familyhelp.frontdoor.models import ThresholdLevel

    if ThresholdLevel.objects.using(using).exists():
        return 0
    ThresholdLevel.objects.using(using).bulk_create(
        ThresholdLevel(number=number, name=name, summary=summary, descriptors=descriptors)
        for number, name, summary, descriptors in LEVELS
    )
    return len(LEVELS)
