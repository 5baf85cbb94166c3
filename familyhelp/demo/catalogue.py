# ruff: noqa: E501 (descriptions read better as one line each)
"""What the demo county's services are like, one entry per DfE sub-category.

Each entry gives service name patterns ({town} is filled in), a description, the ages it is for,
which kinds of organisation run it, and how it runs: regular opening hours ("hours"), weekly
dated sessions ("sessions"), one-off events ("events") or remotely by phone or online ("remote").
"""

from dataclasses import dataclass
from decimal import Decimal

HUB, SCHOOL, HEALTH, CHARITY, FAITH, COMMUNITY, SPORTS, COUNCIL = (
    "family hub",
    "school",
    "health",
    "charity",
    "faith",
    "community",
    "sports",
    "council",
)


@dataclass(frozen=True)
class Offer:
    category: str
    subcategory: str
    names: tuple[str, ...]
    description: str
    ages: tuple[int | None, int | None]
    kinds: tuple[str, ...]
    pattern: str
    cost: Decimal | None = None
    online: bool = False
    telephone: bool = False


ACTIVITIES = "Activities, clubs and groups"
FAMILY = "Family support"
HEALTH_CATEGORY = "Health"
EARLY_YEARS = "Pregnancy, birth and early years"
SEND = "Special educational needs and disabilities (SEND)"
TRANSPORT = "Transport"

OFFERS = (
    Offer(
        ACTIVITIES,
        "Activities",
        ("{town} Youth Club", "Friday Night Project, {town}", "{town} Young Explorers"),
        "A friendly club where young people can meet friends, play games, cook and take part in trips and projects they choose themselves.",
        (8, 17),
        (COMMUNITY, CHARITY, FAITH, HUB),
        "sessions",
        Decimal("1.00"),
    ),
    Offer(
        ACTIVITIES,
        "Before and after school clubs",
        ("{town} Breakfast Club", "After School Club at {town}", "{town} Wraparound Care"),
        "Care before and after the school day with a healthy breakfast or tea, homework help, outdoor play and quiet activities.",
        (4, 11),
        (SCHOOL, COMMUNITY),
        "hours",
        Decimal("4.50"),
    ),
    Offer(
        ACTIVITIES,
        "Holiday clubs and schemes",
        ("{town} Holiday Activities and Food", "Summer Fun Days, {town}", "{town} Half-Term Club"),
        "Holiday days packed with sport, crafts and games, with a free healthy lunch. Places are free for children who get benefits-related free school meals.",
        (5, 16),
        (HUB, SPORTS, CHARITY, COMMUNITY),
        "events",
    ),
    Offer(
        ACTIVITIES,
        "Music, arts and dance",
        (
            "{town} Youth Theatre",
            "Vale Young Musicians, {town}",
            "Street Dance at {town}",
            "{town} Art Club for Families",
        ),
        "Creative sessions led by experienced artists: try drama, music, painting or dance, make friends and build confidence. No experience needed.",
        (5, 18),
        (COMMUNITY, CHARITY, SCHOOL, FAITH),
        "sessions",
        Decimal("3.00"),
    ),
    Offer(
        ACTIVITIES,
        "Parent, baby and toddler groups",
        (
            "Stay and Play, {town}",
            "{town} Baby and Toddler Group",
            "Rhyme Time at {town}",
            "Little Acorns, {town}",
        ),
        "A relaxed group for parents and carers with babies and toddlers: play, songs and stories, a cup of tea and a chance to meet other families.",
        (0, 4),
        (HUB, FAITH, COMMUNITY, CHARITY),
        "sessions",
    ),
    Offer(
        ACTIVITIES,
        "Pre-school playgroup",
        ("{town} Pre-school", "Busy Bees Playgroup, {town}", "{town} Community Playgroup"),
        "A play-based pre-school in a caring setting. We take funded early education places for 2, 3 and 4 year olds.",
        (2, 4),
        (COMMUNITY, SCHOOL, FAITH),
        "hours",
        Decimal("5.50"),
    ),
    Offer(
        ACTIVITIES,
        "Sports and recreation",
        (
            "{town} Junior Football",
            "{town} Swimming Club",
            "Multi-Sports at {town}",
            "{town} Tennis for Juniors",
        ),
        "Coached sport for all abilities in a safe and welcoming club. Kit can be borrowed, and the first session is a free taster.",
        (5, 17),
        (SPORTS, SCHOOL, COMMUNITY),
        "sessions",
        Decimal("2.50"),
    ),
    Offer(
        FAMILY,
        "Bullying and cyber bullying",
        (
            "Stand Up to Bullying, {town}",
            "Online Safety Advice for Families",
            "{town} Anti-Bullying Drop-in",
        ),
        "Confidential advice for children and parents worried about bullying, in school or online, including how to report it and keep safe on social media.",
        (7, 18),
        (CHARITY, SCHOOL, HUB),
        "hours",
        online=True,
    ),
    Offer(
        FAMILY,
        "Debt and welfare advice",
        ("{town} Money Advice", "Debt Help Drop-in, {town}", "Vale Money Helpline"),
        "Free, impartial advice on debt, budgeting and benefits. We can help with priority bills, cost of living grants and talking to creditors.",
        (None, None),
        (CHARITY, HUB, FAITH),
        "hours",
        telephone=True,
    ),
    Offer(
        FAMILY,
        "Domestic abuse",
        (
            "Vale Domestic Abuse Support",
            "Safe Haven Outreach, {town}",
            "Moving Forward Group, {town}",
        ),
        "Support for anyone affected by domestic abuse: safety planning, advocacy, a group programme and help to find safe accommodation. If you are in danger now, call 999.",
        (16, None),
        (CHARITY, HUB),
        "hours",
        telephone=True,
    ),
    Offer(
        FAMILY,
        "Intensive targeted family support",
        (
            "{town} Family Help Team",
            "Family Keyworker Service, {town}",
            "Supporting Families, {town}",
        ),
        "A family keyworker works with the whole family for several months on the things that matter to you, from school attendance to routines and housing.",
        (0, 18),
        (HUB, COUNCIL),
        "hours",
    ),
    Offer(
        FAMILY,
        "Money, benefits and housing",
        (
            "{town} Housing and Benefits Advice",
            "Cost of Living Help, {town}",
            "{town} Community Pantry",
        ),
        "Help with benefit claims, housing problems and the cost of living, including food, warm spaces and school uniform swaps.",
        (None, None),
        (CHARITY, FAITH, HUB, COMMUNITY),
        "hours",
    ),
    Offer(
        FAMILY,
        "Parenting support",
        (
            "Positive Parenting Course, {town}",
            "{town} Parenting Drop-in",
            "Understanding Your Teenager, {town}",
            "Parent Talk, {town}",
        ),
        "A free course for parents and carers: practical ideas for routines, behaviour and staying calm, shared with other parents in a friendly group.",
        (0, 18),
        (HUB, CHARITY, SCHOOL),
        "sessions",
    ),
    Offer(
        FAMILY,
        "Reducing parental conflict",
        ("Arguing Better, {town}", "Parents as Partners, {town}", "Healthy Relationships Workshop"),
        "Sessions for parents, together or apart, on how to disagree without it harming the children, with practical tools to talk and listen.",
        (16, None),
        (HUB, CHARITY),
        "sessions",
        online=True,
    ),
    Offer(
        FAMILY,
        "Separating and separated parent support",
        (
            "Separated Parents Information, {town}",
            "{town} Co-parenting Support",
            "Children First Through Separation",
        ),
        "Information and support for parents who are separating, to help children through it: arrangements, child maintenance and mediation.",
        (16, None),
        (CHARITY, HUB),
        "sessions",
        Decimal("15.00"),
        online=True,
    ),
    Offer(
        FAMILY,
        "Stopping smoking",
        ("Smokefree Vale, {town}", "Stop Smoking Clinic, {town}", "Smokefree Pregnancy Support"),
        "Free stop smoking support from a trained adviser, with nicotine replacement or a vape starter kit, in person or over the phone.",
        (12, None),
        (HEALTH, HUB),
        "hours",
        telephone=True,
    ),
    Offer(
        FAMILY,
        "Substance misuse (including alcohol and drug)",
        (
            "Vale Young People's Drug and Alcohol Service",
            "Next Steps Families, {town}",
            "{town} Recovery Café",
        ),
        "Confidential support for young people and families affected by drugs or alcohol: one-to-one work, family sessions and harm reduction.",
        (11, None),
        (CHARITY, HEALTH),
        "hours",
        telephone=True,
    ),
    Offer(
        FAMILY,
        "Targeted youth support",
        ("{town} Youth Work Team", "Detached Youth Work, {town}", "Young Carers Group, {town}"),
        "Youth workers support young people who need a bit more help with school, friendships, staying safe or caring for someone at home.",
        (11, 19),
        (COUNCIL, CHARITY, HUB),
        "sessions",
    ),
    Offer(
        FAMILY,
        "Youth justice services",
        (
            "Wessex Vale Youth Justice Service",
            "Youth Diversion Programme, {town}",
            "Restorative Justice for Young People",
        ),
        "Works with young people aged 10 to 17 in contact with the police or courts, and their families, to repair harm and make a fresh start.",
        (10, 17),
        (COUNCIL,),
        "hours",
    ),
    Offer(
        HEALTH_CATEGORY,
        "Hearing and sight",
        (
            "Children's Hearing Clinic, {town}",
            "{town} Children's Eye Clinic",
            "Newborn Hearing Screening",
        ),
        "Hearing and sight checks for babies and children, with follow-up appointments and advice for families if a problem is found.",
        (0, 18),
        (HEALTH,),
        "hours",
    ),
    Offer(
        HEALTH_CATEGORY,
        "Mental health, social and emotional support",
        (
            "Young Minds Matter, {town}",
            "{town} Wellbeing Café",
            "Online Counselling for Young People",
            "Time to Talk, {town}",
        ),
        "Someone to talk to when things feel hard: drop-ins, counselling and groups for children and young people feeling anxious, low or stressed.",
        (11, 25),
        (CHARITY, HEALTH, SCHOOL),
        "hours",
        online=True,
    ),
    Offer(
        HEALTH_CATEGORY,
        "Nutrition and weight management",
        (
            "Cook and Eat, {town}",
            "Healthy Families Programme, {town}",
            "{town} Family Cookery Club",
        ),
        "Learn to cook quick, cheap and healthy family meals together, and get friendly advice on healthy eating and being active.",
        (4, 16),
        (HUB, HEALTH, COMMUNITY),
        "sessions",
    ),
    Offer(
        HEALTH_CATEGORY,
        "Oral health",
        ("Healthy Smiles, {town}", "Children's Dental Drop-in, {town}", "Smile Vale"),
        "Free toothbrushes, toothpaste and advice on keeping children's teeth healthy, plus help to find an NHS dentist.",
        (0, 11),
        (HEALTH, HUB),
        "events",
    ),
    Offer(
        HEALTH_CATEGORY,
        "Public health services",
        ("School Nursing Team, {town}", "{town} Childhood Immunisations", "Text a School Nurse"),
        "School nurses and public health staff offer health checks, immunisations and confidential advice on growing up healthy.",
        (0, 19),
        (HEALTH, SCHOOL),
        "hours",
        telephone=True,
    ),
    Offer(
        EARLY_YEARS,
        "Birth registration",
        ("Register a Birth at {town}", "Wessex Vale Register Office"),
        "Register your baby's birth within 42 days. Book an appointment and bring your baby's red book; both parents should attend if not married.",
        (None, None),
        (COUNCIL, HUB),
        "hours",
    ),
    Offer(
        EARLY_YEARS,
        "Early years language and learning",
        ("Chatterbox, {town}", "Book Bears, {town}", "Talking Toddlers, {town}"),
        "Playful sessions that help babies and toddlers learn to talk: songs, stories and ideas to try at home, led by early years practitioners.",
        (0, 5),
        (HUB, COMMUNITY),
        "sessions",
    ),
    Offer(
        EARLY_YEARS,
        "Health visiting",
        ("{town} Health Visiting Team", "Baby Clinic, {town}", "Health Visitor Drop-in, {town}"),
        "Health visitors support every family from pregnancy until your child is five: development reviews, weighing, feeding and sleep advice.",
        (0, 5),
        (HEALTH, HUB),
        "hours",
        telephone=True,
    ),
    Offer(
        EARLY_YEARS,
        "Infant feeding support (including breastfeeding)",
        (
            "{town} Feeding Café",
            "Breastfeeding Peer Support, {town}",
            "Bottle Feeding Advice Clinic",
        ),
        "Friendly help with breastfeeding, mixed and bottle feeding from trained peer supporters and infant feeding specialists.",
        (0, 2),
        (HEALTH, HUB, CHARITY),
        "sessions",
    ),
    Offer(
        EARLY_YEARS,
        "Midwife and maternity",
        ("{town} Community Midwives", "Antenatal Classes, {town}", "Bump to Baby, {town}"),
        "Community midwives see you during pregnancy and after your baby is born. Antenatal classes cover labour, birth and caring for a newborn.",
        (16, None),
        (HEALTH, HUB),
        "sessions",
    ),
    Offer(
        EARLY_YEARS,
        "Perinatal mental health support (pregnancy to one year post birth)",
        (
            "Bumps and Beyond Wellbeing, {town}",
            "Perinatal Peer Support, {town}",
            "Dads Matter, {town}",
        ),
        "Support for mums, dads and partners who feel anxious or low during pregnancy or in the first year after birth, in a group or one to one.",
        (16, None),
        (HEALTH, CHARITY),
        "sessions",
        online=True,
    ),
    Offer(
        SEND,
        "Autistic Spectrum Disorder (ASD)",
        (
            "{town} Autism Family Support",
            "Spectrum Social Club, {town}",
            "Autism Parent Workshop, {town}",
        ),
        "Support for autistic children and young people and their families, before and after diagnosis: workshops, social groups and advice.",
        (3, 19),
        (CHARITY, HUB, SCHOOL),
        "sessions",
    ),
    Offer(
        SEND,
        "Breaks and respite",
        ("Short Breaks Club, {town}", "{town} Saturday Club", "Sitting Service, {town}"),
        "Short breaks for disabled children and young people, giving them fun and friendship and giving parents and carers a rest.",
        (5, 18),
        (CHARITY, COUNCIL, SPORTS),
        "events",
    ),
    Offer(
        SEND,
        "Early years support",
        (
            "Portage Home Visiting, {town}",
            "{town} SEND Early Years Group",
            "Little Learners, {town}",
        ),
        "Home visits and small groups for young children with additional needs, helping families with play, learning and getting ready for nursery.",
        (0, 5),
        (HUB, COUNCIL, CHARITY),
        "sessions",
    ),
    Offer(
        SEND,
        "Groups for parents and carers of children with SEND",
        (
            "SEND Parent Carer Forum, {town}",
            "{town} Parent Carer Coffee Morning",
            "Special Families Network, {town}",
        ),
        "A group run by and for parents and carers of children with special educational needs and disabilities: share experiences and get information.",
        (18, None),
        (CHARITY, FAITH, COMMUNITY),
        "sessions",
    ),
    Offer(
        SEND,
        "Hearing impairment",
        (
            "Deaf Children's Club, {town}",
            "Family Sign Language Course, {town}",
            "Hearing Support Service",
        ),
        "Support for deaf children and their families: teachers of the deaf, family sign language courses and social groups.",
        (0, 19),
        (CHARITY, COUNCIL, SCHOOL),
        "sessions",
    ),
    Offer(
        SEND,
        "Learning difficulties and disabilities",
        (
            "{town} Inclusion Club",
            "Learning Disability Support, {town}",
            "Life Skills Group, {town}",
        ),
        "Activities and support for children and young people with learning disabilities to build independence, skills and friendships.",
        (5, 25),
        (CHARITY, SCHOOL, COMMUNITY),
        "sessions",
    ),
    Offer(
        SEND,
        "Multi-sensory impairment",
        ("Sensory Support Team", "{town} Sensory Play Sessions", "Multi-sensory Family Group"),
        "Specialist support for children with combined sight and hearing loss, plus sensory play sessions in our sensory room.",
        (0, 19),
        (COUNCIL, CHARITY),
        "sessions",
    ),
    Offer(
        SEND,
        "Other difficulties or disabilities",
        ("SENDIAS Advice Line", "{town} Additional Needs Drop-in", "ADHD Family Support, {town}"),
        "Impartial information, advice and support about special educational needs and disabilities, including EHC plans and school support.",
        (0, 25),
        (CHARITY, COUNCIL, HUB),
        "hours",
        telephone=True,
    ),
    Offer(
        SEND,
        "Physical disabilities",
        (
            "Wheelchair Sports, {town}",
            "Accessible Swimming, {town}",
            "Physical Disability Family Network",
        ),
        "Accessible activities and support for children with physical disabilities, with trained staff and adapted equipment.",
        (4, 18),
        (SPORTS, CHARITY),
        "sessions",
        Decimal("2.00"),
    ),
    Offer(
        SEND,
        "Social, emotional and mental health support",
        (
            "Calm Minds Group, {town}",
            "Emotional Wellbeing Service, {town}",
            "Nurture Group, {town}",
        ),
        "Help for children whose social, emotional or mental health needs affect their learning, working with the family and the school.",
        (4, 18),
        (SCHOOL, HEALTH, CHARITY),
        "hours",
    ),
    Offer(
        SEND,
        "Speech, language and communication needs",
        (
            "Children's Speech and Language Therapy, {town}",
            "{town} Talk Time",
            "Communication Friendly Families",
        ),
        "Speech and language therapists assess and support children who find it hard to talk, understand or be understood.",
        (0, 18),
        (HEALTH, HUB),
        "hours",
        telephone=True,
    ),
    Offer(
        SEND,
        "Visual impairment",
        ("Sight Support for Children, {town}", "VI Family Days", "Braille Club, {town}"),
        "Support for blind and partially sighted children and their families from qualified teachers of the visually impaired.",
        (0, 19),
        (CHARITY, COUNCIL),
        "events",
    ),
    Offer(
        TRANSPORT,
        "Community transport",
        ("{town} Community Minibus", "Dial-a-Ride Vale", "Wheels to Work, {town}"),
        "Door-to-door community transport for people who find public transport hard to use, including trips to family hubs and appointments.",
        (None, None),
        (COMMUNITY, CHARITY, COUNCIL),
        "hours",
        Decimal("3.00"),
        telephone=True,
    ),
)

# Sentences that vary descriptions so no two services read exactly alike.
ACCESS_SENTENCES = (
    "Just turn up: no need to book.",
    "Please book your place by phone or email.",
    "You can refer yourself, or ask your health visitor, school or GP to refer you.",
    "Referrals come from professionals such as schools, health visitors and social workers.",
    "Drop in at any time during opening hours.",
    "Call us for a chat about whether this is right for you.",
)
# Services a family cannot just walk into: the access sentences for these never say "drop in".
REFERRAL_ONLY = {
    "Domestic abuse",
    "Intensive targeted family support",
    "Youth justice services",
    "Breaks and respite",
    "Early years support",
    "Multi-sensory impairment",
    "Birth registration",
}
REFERRAL_SENTENCES = (
    "You can refer yourself, or ask your health visitor, school or GP to refer you.",
    "Referrals come from professionals such as schools, health visitors and social workers.",
    "Call us for a chat about whether this is right for you.",
)
EXTRA_SENTENCES = (
    "Brothers and sisters are welcome too.",
    "Our staff are DBS checked and trained in safeguarding.",
    "Dads, mums, grandparents and carers are all welcome.",
    "Refreshments are provided.",
    "We can arrange an interpreter if you need one.",
    "Sessions are small, so everyone gets time with the team.",
    "There is free parking nearby and the venue is on a bus route.",
    "We also signpost to other help at the family hub.",
)
APPLICATION_PROCESS = {
    "Just turn up: no need to book.": "Drop in",
    "Drop in at any time during opening hours.": "Drop in",
    "Please book your place by phone or email.": "Book by phone or email",
    "Call us for a chat about whether this is right for you.": "Self-referral by phone",
    "You can refer yourself, or ask your health visitor, school or GP to refer you.": (
        "Self-referral or professional referral"
    ),
    "Referrals come from professionals such as schools, health visitors and social workers.": (
        "Professional referral"
    ),
}
