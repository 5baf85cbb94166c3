"""The default case audit tool: stepped-down cases, as the council's 2018 report describes it.

The Children's Select Committee report on phase 1 of children's services integration (2018)
describes a "CIN Step Down audit" of December 2017 that looked at: the outcomes achieved, the
child's voice, whether Child in Need reviews were held before step-down, management oversight,
the quality of case recording, whether a lead professional was identified, the recorded rationale
and authorisation for step-down, the quality of the Child in Need work, plans for support after
step-down, and the timing of the step-down. These sections and questions ask about each of those.
`audit_tool_install_default` (services/audits.py) loads it; the demo county uses it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ToolDefinition:
    name: str
    description: str
    # (section title, [question text, ...]) in order.
    sections: tuple[tuple[str, tuple[str, ...]], ...]


STEPPED_DOWN_CASES = ToolDefinition(
    name="Stepped-down cases",
    description=(
        "For episodes stepped down from children's social care to Family Help: was the step-down "
        "well timed and well recorded, is the child's voice heard, and is the family supported "
        "after it? Based on the Child in Need step-down audit described in the council's 2018 "
        "report."
    ),
    sections=(
        (
            "Outcomes",
            (
                "Are the outcomes achieved for the child and family clear, such as improved "
                "family relationships and parenting capacity, school attendance, and health and "
                "development needs met?",
            ),
        ),
        (
            "The child's voice",
            (
                "Is the child's voice heard and recorded: their wishes, feelings and lived "
                "experience, in their own words where possible?",
            ),
        ),
        (
            "Child in Need work before step-down",
            (
                "Was a Child in Need review held before the step-down?",
                "Was the Child in Need work strong: frequent contact with the family and "
                "consideration of the needs of every family member?",
            ),
        ),
        (
            "Step-down decision",
            (
                "Is the rationale for stepping down recorded, with clear authorisation comments?",
                "Was the timing of the step-down appropriate?",
            ),
        ),
        (
            "Management oversight and recording",
            (
                "Is there evidence of management oversight throughout the case?",
                "Is the case recording of good quality: up to date, clear and focused on the "
                "child?",
            ),
        ),
        (
            "Support after step-down",
            (
                "Is a lead professional identified for the family?",
                "Is there a plan for ongoing support after step-down, agreed with the family?",
            ),
        ),
    ),
)

DEFAULT_TOOL = STEPPED_DOWN_CASES
