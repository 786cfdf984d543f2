# ruff: noqa: E501
"""Fictional content for the demo: organisations, teams, names, evidence, actions and requests.

Every organisation, team and person here is made up. Organisation names say so plainly
("Fictional", "Imaginary", "Made-up"…) so nobody mistakes the demo for real data.

Evidence and action texts may hold slots filled by the generator: ``{n}`` (a count of people or
responses), ``{month}`` (a month name) and ``{k}`` (a small number).
"""

from __future__ import annotations

from typing import Final

from ue_core.personas import DEMO_ORGANISATION, DEMO_TEAM


def _lines(block: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in block.splitlines() if line.strip())


MINISTERIAL = "Ministerial department"
NON_MINISTERIAL = "Non-ministerial department"
DEVOLVED = "Devolved administration"
ARMS_LENGTH = "Arm's-length body"

ORGANISATION_KINDS: Final[tuple[str, ...]] = (MINISTERIAL, NON_MINISTERIAL, DEVOLVED, ARMS_LENGTH)

#: (name, kind, topics): topics say which kinds of team the organisation mostly has.
ORGANISATIONS: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    (DEMO_ORGANISATION, MINISTERIAL, ("housing", "population", "economy")),
    ("Ministry of Imaginary Transport", MINISTERIAL, ("transport",)),
    ("Office for Made-up Measures", NON_MINISTERIAL, ("economy", "population")),
    ("Department of Pretend Health and Care", MINISTERIAL, ("health",)),
    ("Department for Invented Education", MINISTERIAL, ("education", "children")),
    ("Ministry of Notional Justice", MINISTERIAL, ("justice",)),
    ("Department for Fabricated Work and Pensions", MINISTERIAL, ("labour", "welfare")),
    (
        "Department for Hypothetical Environment and Farming",
        MINISTERIAL,
        ("environment", "agriculture"),
    ),
    ("Department for Fictitious Business and Trade", MINISTERIAL, ("business", "economy")),
    ("Department for Storybook Energy", MINISTERIAL, ("energy", "environment")),
    ("Department for Imaginary Culture, Media and Sport", MINISTERIAL, ("culture",)),
    ("Fictional Home Affairs Department", MINISTERIAL, ("justice", "migration")),
    ("Pretend Revenue and Customs", NON_MINISTERIAL, ("tax", "business")),
    ("Office for Notional Standards in Schools", NON_MINISTERIAL, ("education", "children")),
    ("Imaginary Land Registry", NON_MINISTERIAL, ("housing",)),
    ("Make-Believe Food Standards Office", NON_MINISTERIAL, ("agriculture", "health")),
    ("Office of Invented Rail and Road", NON_MINISTERIAL, ("transport",)),
    ("Fictional Charity Register", NON_MINISTERIAL, ("business", "culture")),
    (
        "Made-up Government of the Northern Isles",
        DEVOLVED,
        ("population", "health", "education", "economy"),
    ),
    ("Imaginary Valleys Assembly Government", DEVOLVED, ("housing", "health", "transport")),
    ("Pretend Executive of the Western Province", DEVOLVED, ("labour", "agriculture", "justice")),
    ("Fictional Highland Administration", DEVOLVED, ("environment", "population", "tourism")),
    ("Notional Agency for Public Health Data", ARMS_LENGTH, ("health",)),
    ("Invented Skills and Funding Agency", ARMS_LENGTH, ("education", "labour")),
    ("Pretend Environment Agency", ARMS_LENGTH, ("environment",)),
    ("Made-up Tourism Board", ARMS_LENGTH, ("tourism", "culture")),
    ("Imaginary Student Loans Company", ARMS_LENGTH, ("education", "welfare")),
    ("Fictional Police Standards Body", ARMS_LENGTH, ("justice",)),
    ("Storybook Sport and Leisure Council", ARMS_LENGTH, ("culture", "health")),
    ("Made-up Pensions Regulator", ARMS_LENGTH, ("welfare", "business")),
)

#: Words for further organisation names when the large scale needs more than the list above.
EXTRA_ORGANISATION_PREFIXES: Final[tuple[tuple[str, str], ...]] = (
    ("Office for Imaginary", NON_MINISTERIAL),
    ("Pretend Agency for", ARMS_LENGTH),
    ("Fictional Commission for", ARMS_LENGTH),
    ("Made-up Authority for", ARMS_LENGTH),
    ("Invented Directorate of", DEVOLVED),
)
EXTRA_ORGANISATION_SUBJECTS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("Coastal Affairs", ("environment", "tourism")),
    ("Rural Communities", ("agriculture", "population")),
    ("Water and Rivers", ("environment",)),
    ("Digital Services", ("business", "economy")),
    ("Heritage and Museums", ("culture",)),
    ("Road Safety", ("transport",)),
    ("Housing Standards", ("housing",)),
    ("Social Care Quality", ("health", "welfare")),
    ("Youth Services", ("children", "education")),
    ("Employment Support", ("labour", "welfare")),
    ("Prisons and Probation", ("justice",)),
    ("Border Statistics", ("migration",)),
)

#: Teams by topic: (name, a one-line description of the statistics they produce).
TEAMS_BY_TOPIC: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "housing": (
        (DEMO_TEAM, "Quarterly figures on new homes, affordable housing supply and homelessness."),
        (
            "English housing survey",
            "Annual survey of housing conditions, tenure and energy efficiency.",
        ),
        (
            "Council tax and local finance statistics",
            "Council tax levels, collection rates and local authority spending.",
        ),
        (
            "House building statistics",
            "Monthly starts and completions of new dwellings by tenure and area.",
        ),
        (
            "Private rental market statistics",
            "Rents and tenancy lengths from lettings data, published twice a year.",
        ),
        (
            "Land and property price statistics",
            "Monthly house price index and property transactions.",
        ),
    ),
    "population": (
        ("Population estimates", "Mid-year population estimates by age, sex and local area."),
        ("Migration statistics", "Long-term international and internal migration flows."),
        (
            "Births and deaths statistics",
            "Registered births, deaths and causes of death each year.",
        ),
        ("Household projections", "Projected numbers of households by type, every two years."),
        ("Small area statistics", "Neighbourhood-level indicators combined from several sources."),
        ("Census outputs", "Topic summaries and detailed tables from the population census."),
    ),
    "economy": (
        (
            "Regional GDP statistics",
            "Gross domestic product and gross value added for regions and local areas.",
        ),
        ("Public sector finances", "Monthly borrowing, debt and receipts of the public sector."),
        (
            "Prices and inflation",
            "Consumer price indices and the experimental household cost indices.",
        ),
        (
            "Trade in goods statistics",
            "Monthly imports and exports of goods by country and product.",
        ),
        ("Productivity statistics", "Output per hour and per worker, by industry and region."),
        (
            "Household income statistics",
            "Income, poverty and inequality estimates from household surveys.",
        ),
    ),
    "transport": (
        (
            "Road traffic statistics",
            "Traffic volumes on major and minor roads, from counts and models.",
        ),
        (
            "Reported road casualties",
            "Collisions and casualties reported to the police, by severity.",
        ),
        ("Rail passenger statistics", "Passenger journeys, punctuality and station usage."),
        ("Bus and coach statistics", "Bus journeys, fares and mileage across local areas."),
        ("Aviation and shipping statistics", "Air passengers, freight and port traffic."),
        (
            "National travel survey",
            "How, why and how far people travel, from an annual diary survey.",
        ),
        (
            "Vehicle licensing statistics",
            "Licensed and newly registered vehicles, including electric vehicles.",
        ),
    ),
    "health": (
        ("Hospital activity statistics", "Admissions, waiting times and outpatient appointments."),
        (
            "Mental health services statistics",
            "Referrals, contacts and outcomes in mental health services.",
        ),
        (
            "Health survey team",
            "Annual survey of adult and child health behaviours and conditions.",
        ),
        (
            "Prescribing statistics",
            "Prescription items dispensed in the community, by drug and area.",
        ),
        ("Adult social care statistics", "Spending, activity and outcomes of adult social care."),
        (
            "Life expectancy and health state statistics",
            "Life expectancy and healthy life expectancy by area.",
        ),
    ),
    "education": (
        (
            "Schools pupils and characteristics",
            "Annual school census counts of pupils by characteristics.",
        ),
        ("Attainment statistics", "Key stage results and qualifications by pupil group."),
        (
            "Further education and skills statistics",
            "Learners, apprenticeships and achievements in further education.",
        ),
        ("Higher education student statistics", "Students, qualifiers and graduate outcomes."),
        ("School workforce statistics", "Teachers and support staff numbers, pay and vacancies."),
        ("Student finance statistics", "Student loans paid, outstanding balances and repayments."),
    ),
    "children": (
        ("Children in care statistics", "Looked-after children, placements and care leavers."),
        ("Early years statistics", "Childcare places, take-up of funded hours and providers."),
        ("Children's social work statistics", "Referrals, assessments and child protection plans."),
        (
            "School attendance and exclusions",
            "Absence rates, suspensions and permanent exclusions.",
        ),
    ),
    "justice": (
        (
            "Criminal court statistics",
            "Cases received and disposed of in the magistrates' and Crown courts.",
        ),
        ("Prison population statistics", "Weekly and quarterly prison population and receptions."),
        (
            "Proven reoffending statistics",
            "Reoffending rates of adults and young people after release or caution.",
        ),
        ("Crime survey team", "Household survey estimates of crime experienced by the public."),
        ("Police workforce statistics", "Police officers, staff and volunteers by force."),
        ("Family court statistics", "Private and public law cases, divorces and adoptions."),
    ),
    "labour": (
        (
            "Labour market statistics",
            "Employment, unemployment and economic inactivity from the labour force survey.",
        ),
        ("Earnings and hours statistics", "Annual survey of pay and hours by occupation and area."),
        ("Vacancies and jobs statistics", "Job vacancies and workforce jobs by industry."),
        (
            "Apprenticeship statistics",
            "Apprenticeship starts and achievements by sector and level.",
        ),
    ),
    "welfare": (
        ("Benefit caseload statistics", "Claimants of working-age benefits, by benefit and area."),
        ("Pension statistics", "State pension recipients and private pension participation."),
        ("Fraud and error statistics", "Estimated fraud and error in the benefit system."),
        (
            "Households below average income",
            "Low income and material deprivation by household type.",
        ),
    ),
    "environment": (
        ("Air quality statistics", "Concentrations of air pollutants and days of high pollution."),
        (
            "Waste and recycling statistics",
            "Household waste collected and recycling rates by local authority.",
        ),
        (
            "Greenhouse gas emissions statistics",
            "Territorial emissions by sector and gas, with provisional estimates.",
        ),
        (
            "Water quality statistics",
            "Chemical and ecological status of rivers, lakes and bathing waters.",
        ),
        ("Biodiversity indicators", "Trends in wild bird, butterfly and plant populations."),
    ),
    "agriculture": (
        (
            "Farm business statistics",
            "Farm incomes and business performance from the farm business survey.",
        ),
        (
            "Agricultural land use statistics",
            "Crop areas, livestock numbers and farm labour from the June survey.",
        ),
        ("Food statistics", "Food production, prices, purchases and security."),
        ("Fisheries statistics", "Landings, fleet size and the value of fish caught."),
    ),
    "business": (
        (
            "Business population statistics",
            "Numbers of businesses, employment and turnover by size and sector.",
        ),
        ("Business investment statistics", "Capital expenditure by businesses, quarterly."),
        ("Insolvency statistics", "Company and individual insolvencies each month."),
        ("Research and development statistics", "Spending on research and development by sector."),
        ("Charity sector statistics", "Registered charities, their income and their spending."),
    ),
    "energy": (
        (
            "Energy trends",
            "Quarterly production and consumption of coal, gas, oil and electricity.",
        ),
        (
            "Fuel poverty statistics",
            "Households in fuel poverty and the depth of their fuel poverty gap.",
        ),
        (
            "Renewable energy statistics",
            "Renewable electricity capacity and generation by technology.",
        ),
        ("Energy prices statistics", "Domestic and industrial energy prices and bills."),
    ),
    "culture": (
        ("Taking part survey", "Participation in arts, heritage, libraries and sport."),
        ("Museum and gallery visits", "Visits to sponsored museums and galleries each month."),
        (
            "Sport participation statistics",
            "Adults and children taking part in sport and physical activity.",
        ),
        (
            "Creative industries economic estimates",
            "Gross value added and jobs in the creative industries.",
        ),
    ),
    "tax": (
        ("Income tax statistics", "Income tax liabilities and taxpayers by income band."),
        ("VAT statistics", "VAT receipts and registered traders by sector."),
        (
            "Tax gap estimates",
            "The difference between tax due and tax collected, by tax and behaviour.",
        ),
        ("Child benefit statistics", "Families and children receiving child benefit."),
    ),
    "migration": (
        ("Immigration system statistics", "Visas granted, asylum applications and returns."),
        ("Border arrivals statistics", "Passenger arrivals and small boat crossings."),
    ),
    "tourism": (
        ("Inbound tourism statistics", "Visits and spending by overseas residents."),
        ("Domestic tourism statistics", "Overnight trips and day visits by residents."),
        ("Accommodation occupancy statistics", "Room and bed occupancy in serviced accommodation."),
    ),
}

FIRST_NAMES: Final[tuple[str, ...]] = (
    "Aisha",
    "Ben",
    "Catriona",
    "Dev",
    "Eleanor",
    "Femi",
    "Gareth",
    "Hannah",
    "Imran",
    "Joanna",
    "Kwame",
    "Laura",
    "Mohammed",
    "Niamh",
    "Owen",
    "Priya",
    "Qasim",
    "Rhiannon",
    "Simon",
    "Tamsin",
    "Usha",
    "Victor",
    "Wen",
    "Yusuf",
    "Zara",
    "Aled",
    "Bethan",
    "Callum",
    "Deborah",
    "Ewan",
    "Fatima",
    "Grace",
    "Harry",
    "Isla",
    "Jamal",
    "Karen",
    "Liam",
    "Mei",
    "Nadia",
    "Oliver",
    "Paul",
    "Rosie",
    "Sanjay",
    "Tom",
    "Ulrika",
    "Vikram",
    "Will",
    "Yasmin",
    "Adebayo",
    "Bronwen",
    "Ciaran",
    "Daniel",
    "Esther",
    "Fraser",
    "Gita",
    "Hamish",
    "Ifeoma",
    "James",
    "Kirsty",
    "Lucy",
    "Marek",
    "Nikhil",
    "Orla",
    "Patrick",
    "Rachel",
    "Sian",
    "Theo",
    "Agnieszka",
    "Bilal",
    "Chloe",
    "Duncan",
    "Emeka",
    "Freya",
    "Gwen",
    "Hassan",
    "Ingrid",
    "Jack",
    "Kemi",
    "Leon",
    "Mairi",
)
LAST_NAMES: Final[tuple[str, ...]] = (
    "Ahmed",
    "Baker",
    "Campbell",
    "Davies",
    "Edwards",
    "Fraser",
    "Ghosh",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "MacDonald",
    "Nowak",
    "O'Brien",
    "Price",
    "Quinn",
    "Roberts",
    "Singh",
    "Thomas",
    "Underwood",
    "Vaughan",
    "Walsh",
    "Yilmaz",
    "Zhang",
    "Adeyemi",
    "Bell",
    "Chowdhury",
    "Doherty",
    "Evans-Clarke",
    "Fitzgerald",
    "Grant",
    "Hussain",
    "Jenkins",
    "Kaur",
    "Lloyd",
    "Mensah",
    "Nguyen",
    "Osei",
    "Parry",
    "Rahman",
    "Stewart",
    "Turner",
    "Ward",
    "Young",
    "Akhtar",
    "Bennett",
    "Cooper",
    "Dhillon",
    "Ellis",
    "Flynn",
    "Gallagher",
    "Hart",
    "Ibrahim",
    "Kelly",
    "Mahmood",
    "Mitchell",
    "Okonkwo",
    "Pritchard",
    "Reid",
    "Shah",
    "Taylor",
    "Wood",
    "Anderson",
    "Brown",
    "Collins",
    "Duffy",
    "Farouk",
    "Gill",
    "Henderson",
    "Jackson",
    "Khan",
    "Lim",
    "Murray",
    "Novak",
    "Owusu",
    "Patel-Hall",
    "Robertson",
    "Sutherland",
    "Wilson",
)

MONTHS: Final[tuple[str, ...]] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: Evidence for the team's agreed rating, by practice key. Lines starting "~" describe weak
#: practice and go with low ratings; use ``evidence_pools`` to split them.
EVIDENCE_BY_PRACTICE: Final[dict[str, tuple[str, ...]]] = {
    "know-your-users": _lines("""
        User list of {n} named organisations kept on the team site, reviewed in {month}.
        Mapped our users into five groups (policy, local government, academics, media, public) at a team away day.
        Web analytics and the query log show about {n} downloads a month; we know the main users but not the long tail.
        Stakeholder map drawn up with the policy team and checked against the mailing list.
    """),
    "anticipate-needs": _lines("""
        Horizon-scanning session with policy colleagues in {month} about data needed for the new strategy.
        Asked the user group what they will need in the next two to three years; notes on file.
        ~ Nothing systematic yet - we react to requests as they come in.
        Looked at the future needs section of {k} consultation responses before planning the next release.
    """),
    "seek-views": _lines("""
        User survey on the release page, {n} responses, summary published in {month}.
        Short feedback form linked from every table; {n} comments this year.
        Ran {k} interviews with local authority analysts about the new tables.
        Emailed the mailing list asking for views on the release format; {n} replies.
    """),
    "widen-reach": _lines("""
        Presented at {k} regional events for charities and community groups this year.
        Worked with the press office on a plain-English explainer that reached new audiences.
        Contacted {n} organisations we had not heard from before, found through citation searches.
        Joined a webinar run by a voluntary sector network to introduce the statistics.
    """),
    "raise-awareness": _lines("""
        Release calendar entries, a newsletter to {n} subscribers and a short blog for each release.
        Statistics are listed on the department's data page and in the cross-government catalogue.
        Posted each release on social media through the press office; engagement figures tracked monthly.
        Added links to the statistics from the policy pages, which roughly doubled visits in {month}.
    """),
    "tailor-outputs": _lines("""
        Headline summary for general readers plus full tables and a methods note for experts.
        Redesigned the bulletin after usability testing with {k} users; reading age checked.
        Interactive dashboard for local areas alongside the spreadsheet tables.
        ~ One publication format for everyone at the moment.
    """),
    "involve-in-development": _lines("""
        Users helped choose the new age bands through a workshop in {month}; outcome in the methods note.
        Co-designed the new local area tables with {k} councils before publishing them as official statistics in development.
        Invited comments on the draft methods change; {n} responses, most changes adopted.
        Expert panel of {k} users reviews proposals before we change anything.
    """),
    "proportionate-effort": _lines("""
        Engagement plan sets out more contact for the headline series and light touch for the technical annex.
        Agreed with the head of profession how much engagement each output needs, based on use and interest.
        ~ We do the same small survey for everything, whatever its profile.
        Reviewed effort against public interest at the business planning meeting in {month}.
    """),
    "publish-users-and-uses": _lines("""
        Users and uses section added to the background note in {month}.
        Published a page describing {k} main uses of the statistics, with examples from local government.
        ~ Uses are mentioned in the quality report but only briefly.
        Case studies of how {k} organisations use the data are on the release page.
    """),
    "monitor-use": _lines("""
        Media monitoring and a log of mentions in parliament and the press, {n} entries this year.
        Corrected a misreading of the figures in a trade magazine in {month}; note kept in the misuse log.
        ~ Download counts reviewed each quarter.
        Citation alerts set up for the statistics; reviewed at team meetings.
    """),
    "review-satisfaction": _lines("""
        Annual satisfaction question in the user survey: {n} responses, 78% satisfied or very satisfied.
        Satisfaction discussed at the user group in {month}; minutes record the main concerns.
        Feedback form asks how useful the release was; results reviewed twice a year.
        ~ No formal review of satisfaction yet.
    """),
    "balance-needs": _lines("""
        Published a note explaining why we kept the annual timetable when some users asked for quarterly figures.
        Prioritisation matrix used to weigh {k} competing requests; decisions recorded.
        Discussed trade-offs between timeliness and detail with the user group and wrote up the outcome.
        ~ Decisions on requests are made case by case and not written down.
    """),
    "plan-improvements": _lines("""
        Development plan published on the release page, updated in {month}, linked to user feedback.
        Work plan has {k} improvements, each traced to a user request.
        Improvements agreed at the annual planning day using the survey results.
        Backlog of user suggestions kept in a spreadsheet and reviewed quarterly.
    """),
    "review-portfolio": _lines("""
        Reviewed the portfolio in {month}; stopped one little-used table after consulting users.
        Consultation on reducing the frequency of {k} series, {n} responses.
        ~ Portfolio review is planned for next year.
        Head of profession leads an annual review of outputs with users' needs as one criterion.
    """),
    "contact-routes": _lines("""
        Named contact, team mailbox and phone number on every release; replies within five working days.
        Team mailbox monitored daily; {n} queries answered this year.
        ~ Contact details are on the release page but go to a general enquiries inbox.
        Added a 'get in touch' box to the dashboard in {month}.
    """),
    "open-agenda": _lines("""
        Open item at every user group meeting for members to raise their own topics.
        Survey includes an open question on what else users want to tell us; {n} comments.
        Drop-in sessions in {month} with no fixed agenda.
        ~ Users can raise issues through the mailbox; nothing more open than that.
    """),
    "publish-engagement-plans": _lines("""
        Engagement plan published in {month} with dates of the user group and the survey.
        Forthcoming consultations listed on the statistics landing page.
        ~ We tell users about events by email but the plan itself isn't published.
        Annual engagement calendar shared with the user group.
    """),
    "announce-changes": _lines("""
        Changes to methods announced {k} months ahead in the release calendar and by email.
        Revisions policy published; planned revisions flagged in the previous release.
        Notice of the move to a new geography given in {month}, three months before publication.
        ~ Gave users little notice of the last change - a lesson learned.
    """),
    "close-feedback-loop": _lines("""
        'You said, we did' page updated after each survey, last in {month}.
        Response to consultation published with a table of each suggestion and what we did.
        ~ We reply to people individually but don't publish what changed.
        Summarised feedback and actions in the annual report to the user group.
    """),
    "explain-quality": _lines("""
        Quality and methodology report explains suitability for local comparisons and for trends.
        Added uncertainty intervals and a plain-English note on what they mean in {month}.
        ~ Quality information exists but is written for experts.
        Tested the quality section with {k} users and rewrote the confusing parts.
    """),
    "accessible-to-all": _lines("""
        Bulletin checked against accessibility standards; tables released as accessible spreadsheets.
        Accessibility audit in {month} found {k} issues, all fixed.
        Charts have alt text and the data behind them is downloadable.
        ~ PDF-only releases so far; moving to HTML next year.
    """),
    "join-up-internally": _lines("""
        Monthly catch-up with policy and comms on engagement plans.
        Joint user event with the analysts in the neighbouring division in {month}.
        Shared the stakeholder list with policy colleagues so we contact people once.
        ~ We work with comms for releases but plan engagement on our own.
    """),
    "work-with-other-producers": _lines("""
        Joint user survey with {k} other producers of statistics on the same topic.
        Member of the cross-government working group on the topic, meets quarterly.
        Shared our user list with the devolved administrations' statisticians to coordinate events.
        ~ Little joint working with other producers so far.
    """),
    "user-groups": _lines("""
        We chair the topic user group: {n} members, meets twice a year, minutes published.
        Team members attend {k} external forums and report back at team meetings.
        Active in the StatsUserNet community for the topic; posted {k} times this year.
        ~ No user group for our statistics at present.
    """),
    "review-engagement": _lines("""
        Reviewed the engagement plan in {month} against what we learned; changed the survey timing.
        Evaluation form after each event; response rates and comments reviewed.
        Lessons-learned note written after the last consultation.
        ~ We don't review how well engagement has worked.
    """),
    "engagement-plan": _lines("""
        Engagement plan covers each stage of production, from planning to release and review.
        Engagement milestones added to the production timetable in {month}.
        ~ Plan exists in draft; not yet agreed with the head of profession.
        Each release has a short checklist that includes user contact before and after publication.
    """),
    "leadership-and-time": _lines("""
        Engagement is in every team member's objectives; about {k} days a quarter set aside.
        Deputy director sponsors the user engagement plan and asks about it at quarterly reviews.
        Engagement time is protected in the business plan.
        ~ Engagement happens when production allows, with no protected time.
    """),
    "skills-and-support": _lines("""
        {k} team members completed user engagement training this year; one shadowed another department's user group.
        Used the USER hub's guidance and a session with a user researcher to design the survey.
        Champion gave the team a session on running workshops in {month}.
        ~ Nobody in the team has had training in engagement yet.
    """),
    "user-research-methods": _lines("""
        Worked with a user researcher on {k} interviews and built personas for our main users.
        Card-sorting exercise with users to restructure the tables.
        Ran a usability test of the dashboard with {k} people in {month}.
        ~ We have not used user research methods so far.
    """),
}

#: Evidence by practice area, for practices not listed above (a newer framework, say).
EVIDENCE_BY_AREA: Final[dict[str, tuple[str, ...]]] = {
    "promote": _lines("""
        Release promoted through the newsletter ({n} subscribers) and the press office.
        Plain-English summary added to the release page in {month}.
    """),
    "understand": _lines("""
        User list and stakeholder map reviewed in {month}.
        Notes of {k} conversations with main users about what they use the figures for.
    """),
    "listen": _lines("""
        Feedback survey with {n} responses; results discussed by the team.
        User group meeting in {month}; minutes on file.
    """),
    "act": _lines("""
        Improvements list linked to user feedback, reviewed in {month}.
        Published a summary of what changed after the last round of feedback.
    """),
    "planned": _lines("""
        Engagement plan agreed with the head of profession in {month}.
        Engagement activities are in the team's work plan.
    """),
    "collaborative": _lines("""
        Joint activity with {k} other teams this year.
        Regular contact with policy and comms colleagues on engagement.
    """),
}


def evidence_pools(
    practice_key: str, practice_area: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Evidence for a practice as (strong, weak) texts; the area's texts if the key is unknown."""
    texts = EVIDENCE_BY_PRACTICE.get(practice_key)
    if texts is None:
        return EVIDENCE_BY_AREA.get(practice_area, ()), ()
    strong = tuple(text for text in texts if not text.startswith("~"))
    weak = tuple(text.lstrip("~ ") for text in texts if text.startswith("~"))
    return strong, weak


#: What a team member writes beside a personal rating (often nothing).
MEMBER_NOTES: Final[tuple[str, ...]] = _lines("""
    As discussed at the team meeting.
    I think we're a bit better than this now.
    Not sure - I wasn't here for the last survey.
    Based on the user group minutes.
    We talk about it but don't write it down.
    See the engagement plan.
    Only for the main release, not the ad hoc tables.
    Agree with last year's rating.
    Mostly done by the policy team.
    I'd say this slipped while we were short-staffed.
""")

NOT_APPLICABLE_REASONS: Final[tuple[str, ...]] = (
    "The statistics are used only inside the department, so there is no external portfolio to review.",
    "We publish a single annual table, so there is no dashboard or interactive tool to make accessible.",
    "The statistics are official statistics in development and have no user group yet.",
    "Users are a small group of named analysts; there is no wider public audience for these figures.",
    "This series is being discontinued next year, so no development work is planned.",
)

#: Actions by practice key: what a team plans to do to move up a level.
ACTIONS_BY_PRACTICE: Final[dict[str, tuple[str, ...]]] = {
    "know-your-users": _lines("""
        Build a user list from the query log, download data and the mailing list.
        Draw a stakeholder map with the policy team and review it every six months.
    """),
    "anticipate-needs": _lines("""
        Add a question on future needs to the annual user survey.
        Meet policy colleagues each quarter to hear about data needs coming up.
    """),
    "seek-views": _lines("""
        Run a short user survey after the next release and publish a summary of the results.
        Interview five users about how they use the tables.
    """),
    "widen-reach": _lines("""
        Present the statistics at a voluntary sector network meeting.
        Search for citations of the statistics to find users we have not heard from.
    """),
    "raise-awareness": _lines("""
        Set up a newsletter for the statistics and invite everyone on the query log to join.
        Agree a social media plan for releases with the press office.
    """),
    "tailor-outputs": _lines("""
        Write a plain-English summary for each release and test it with two non-expert users.
        Publish the local area figures as an interactive map alongside the tables.
    """),
    "involve-in-development": _lines("""
        Invite the user group to comment on the draft methods change before it is final.
        Co-design the new tables with three local authority users.
    """),
    "proportionate-effort": _lines("""
        Agree how much engagement each output needs, based on its use and public interest.
        Write down why the technical tables get a lighter-touch approach.
    """),
    "publish-users-and-uses": _lines("""
        Publish a short page on who uses the statistics and what for.
        Collect three case studies of how the figures are used.
    """),
    "monitor-use": _lines("""
        Set up a misuse log and agree how the team responds.
        Set up citation alerts and review them at the monthly team meeting.
    """),
    "review-satisfaction": _lines("""
        Add a satisfaction question to the feedback form and review the results twice a year.
        Discuss satisfaction with the user group and record the main concerns.
    """),
    "balance-needs": _lines("""
        Write down how we weigh competing requests and publish it with the development plan.
        Explain in the next release why the timetable is staying annual.
    """),
    "plan-improvements": _lines("""
        Publish a development plan that links each improvement to user feedback.
        Review the backlog of user suggestions every quarter.
    """),
    "review-portfolio": _lines("""
        Review the portfolio with users and decide which tables to stop.
        Consult users before reducing the frequency of the little-used series.
    """),
    "contact-routes": _lines("""
        Put a named contact and the team mailbox on every release and table.
        Add a contact box and a feedback link to the dashboard.
    """),
    "open-agenda": _lines("""
        Hold an open session at the next user group where members set the agenda.
        Add an open question to the survey asking what else users want to tell us.
    """),
    "publish-engagement-plans": _lines("""
        Publish the year's engagement calendar on the statistics landing page.
        List forthcoming consultations and events on the release page.
    """),
    "announce-changes": _lines("""
        Give users three months' notice of the next methods change in the release calendar.
        Email the mailing list about planned revisions before each release.
    """),
    "close-feedback-loop": _lines("""
        Publish a 'you said, we did' page and update it after each round of feedback.
        Publish the response to the consultation, with what we did about each suggestion.
    """),
    "explain-quality": _lines("""
        Rewrite the quality section in plain English and test it with three users.
        Explain which comparisons the local figures can and cannot support.
    """),
    "accessible-to-all": _lines("""
        Check the bulletin and tables against the accessibility guidance and fix the issues found.
        Move the release from PDF to HTML with accessible spreadsheets.
    """),
    "join-up-internally": _lines("""
        Hold a joint user event with the policy and comms teams.
        Share the stakeholder list with policy colleagues so users are contacted once.
    """),
    "work-with-other-producers": _lines("""
        Join the cross-government working group for the topic.
        Coordinate the next user survey with other producers so users are asked once.
    """),
    "user-groups": _lines("""
        Restart the user group, online, with published minutes.
        Send a team member to the topic forum and report back at team meetings.
    """),
    "review-engagement": _lines("""
        Review how well this year's engagement worked and change the plan.
        Add a short evaluation form to every user event.
    """),
    "engagement-plan": _lines("""
        Write an engagement plan for the year and agree it with the head of profession.
        Add engagement milestones to the production timetable.
    """),
    "leadership-and-time": _lines("""
        Put engagement in every team member's objectives.
        Ask the deputy director to sponsor the engagement plan.
    """),
    "skills-and-support": _lines("""
        Book two team members on user engagement training and share what they learn.
        Ask the organisation's user engagement champion for a session on running workshops.
    """),
    "user-research-methods": _lines("""
        Run a usability test of the dashboard with five users.
        Work with a user researcher to build personas for the main users.
    """),
}

#: Actions by practice area, for practices not listed above.
ACTIONS_BY_AREA: Final[dict[str, tuple[str, ...]]] = {
    "promote": _lines("""
        Write a plain-English summary for each release and test it with two non-expert users.
        Set up a newsletter for the statistics and invite everyone on the query log to join.
        Agree a social media plan for releases with the press office.
        Present the statistics at a voluntary sector network meeting.
        Add a contact box and a feedback link to every table.
        Check the bulletin and tables against the accessibility guidance and fix the issues found.
    """),
    "understand": _lines("""
        Build a user list from the query log, download data and the mailing list.
        Draw a stakeholder map with the policy team and review it every six months.
        Publish a short page on who uses the statistics and what for.
        Interview five users about the decisions the statistics inform.
        Set up a misuse log and agree how the team responds.
    """),
    "listen": _lines("""
        Run a short user survey after the next release and publish a summary of the results.
        Set up a user panel of about ten people we can ask for quick views.
        Hold an open session at the next user group where members set the agenda.
        Ask users to comment on the planned methods change before it is final.
    """),
    "act": _lines("""
        Publish a 'you said, we did' page and update it after each round of feedback.
        Give users three months' notice of the next methods change in the release calendar.
        Write down how we weigh competing requests and publish it with the development plan.
        Review the portfolio with users and decide which tables to stop.
    """),
    "planned": _lines("""
        Write an engagement plan for the year and agree it with the head of profession.
        Add engagement milestones to the production timetable.
        Put engagement in every team member's objectives.
        Review how well this year's engagement worked and change the plan.
    """),
    "collaborative": _lines("""
        Join the cross-government working group for the topic.
        Hold a joint user event with the policy and comms teams.
        Ask the organisation's user engagement champion for a session on running workshops.
        Book two team members on user engagement training and share what they learn.
        Coordinate the next user survey with other producers so users are asked once.
    """),
}

TARGET_CHANGE_REASONS: Final[tuple[str, ...]] = (
    "Our director has asked for a stronger focus here before the statistics are reassessed.",
    "The team is moving to a new system this year, so we have set a more modest target.",
    "These statistics are about to become much more prominent because of a new policy.",
    "We share this work with another team, which leads on it.",
)
