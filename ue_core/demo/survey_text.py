# ruff: noqa: E501
"""Hand-written free-text answers for the demo survey.

The demo survey is modelled on the 2021 "current landscape of user engagement" survey of people
who produce official statistics. Its published findings: the top barriers were lack of time, lack
of resource and low response; engagement was mostly ad hoc and 14% did not engage at all; people
asked for training, workshops, guidance, mentoring and shadowing. Source:
https://gss.civilservice.gov.uk/current-landscape-of-user-engagement-summary-of-findings/

Every answer below was written for this demo, one per line, by imagining different people in
different teams: some terse, some chatty, a few with typos or no capital letters. The generator
samples and sometimes pairs them, so the themes feature sees text that reads like a real survey.
Answers in the ``*_WITH_CONTACT`` pools hold made-up contact details (reserved example domains and
Ofcom drama phone numbers) so that redaction has something to remove.
"""

from __future__ import annotations

from typing import Final


def _answers(block: str) -> tuple[str, ...]:
    """One answer per non-blank line, with surrounding spaces removed."""
    return tuple(line.strip() for line in block.splitlines() if line.strip())


BARRIERS: Final[tuple[str, ...]] = _answers(
    """
    Time. There is never enough of it around a release.
    Lack of time and resource - we are a team of three producing six publications a year.
    Low response rates to our user surveys. We ran one last year and got 11 replies.
    not enough time
    Honestly the biggest barrier is that nobody in the team has done it before and we don't know where to start.
    We don't really know who our users are beyond the obvious policy colleagues.
    Resource. Every time we plan some engagement it gets dropped when the production run slips
    Users don't respond. We've emailed our mailing list twice and had almost nothing back.
    Finding the time between publications, and getting sign off from comms to contact people outside government.
    We are not allowed to use social media as a team, all posts have to go through the press office which takes weeks.
    No budget for events and no one with the skills to run a workshop.
    Our users are mostly internal so it doesn't feel like a priority compared with getting the numbers out.
    Staff turnover. The person who ran our user group left and the contacts went with them.
    GDPR worries - we aren't sure whether we can keep a list of users' email addresses.
    lack of resource, lack of time, low responses. the usual
    It's hard to reach the less obvious users, like charities and local community groups, who might use the data but never get in touch.
    Security rules mean we can't use most online survey tools.
    The same handful of expert users always reply, so we never hear from anyone new.
    Not knowing what good looks like. Is a feedback form on the web page enough? Probably not, but what is?
    Competing priorities. Ministers' requests always come first.
    StatsUserNet needs people to log in so hardly any of our users see our posts there.
    Capacity. We lost two posts in the last spending round.
    Lack of senior buy-in. Engagment is seen as nice to have.
    I think there's a culture of assuming that if users have a problem they will tell us.
    Time and money
    Difficult to know who to contact in other departments, and who already talks to which stakeholders.
    Our comms team handles all external contact so we don't feel empowered to engage directly.
    Survey fatigue - our users are the same local authority analysts every other department is also surveying.
    We don't have a user researcher and I wouldn't know how to get access to one.
    Users find it hard to give feedback on technical methods changes; the conversations end up being about something else.
    Workload during the production cycle. Our quiet period is only about six weeks long.
    language barriers when working with some community groups, and we have no translation budget
    Getting responses. Even when we offered a prize draw the numbers were tiny
    Nobody owns it. It sits between the statistics team, the policy team and comms and falls through the gaps.
    Lack of confidence, I worry about promising users things we can't deliver.
    We don't have any way to track who downloads our tables, so we can't follow up.
    Limited skills in facilitation and survey desgin
    We are a very small arm's-length body with one statistician (me).
    Not sure it's our job - the policy team are the ones who talk to stakeholders.
    Lack of a contact list. Our old mailing list was deleted when we moved to the new system.
    Geographical spread of users. In-person events mean a lot of travel for people outside London.
    it takes ages to get anything published on the website, so we can't even tell users what we changed
    Managers see engagement as a one-off consultation rather than an ongoing thing.
    Getting users to engage with consultations on things they see as dull, like changes to the release calendar.
    Deadlines. Everything is urgent.
    We have tried a few times and had poor turnout, so it's hard to justify doing it again.
    I would say resource mostly but also knowing how to analyse the feedback once we get it - we had 300 free text comments and no idea what to do with them.
    No access to Teams for external guests on our network at the moment, which rules out a lot of online meetings.
    The data are sensitive so we can't talk about anything before publication.
    Reaching members of the public. We only ever hear from professionals.
    No clear process for deciding what to do with feedback, so it just sits in a spreadsheet.
    Many of our users are in the devolved administrations and we don't have good links with them.
    Lack of time. Also it is not in anyone's objectives so it doesn't get done.
    A lot of our users are academics who only get in touch when something breaks.
    Fear of opening a can of worms - if we ask what users want they will ask for things we can't produce.
    Procurement rules make it slow to buy even a small survey licence.
    Too many other surveys going out from our department at the same time.
    We're not sure which users matter most, so we end up doing nothing rather than the wrong thing.
    limited resource and we are in the middle of a system transformation so everything else is on hold
    Lack of knowledge about the tools available and which are approved for use.
    Hard to get the right people in the room. Senior users send juniors who can't speak for their organisation.
    Low engagement from users in response to our requests for feedback. We don't know if this means they're happy or just not interested.
    Time, resource and response rates (in that order)
    Its hard to get buy in from the policy side, they see it as our job and we see it as theirs.
    Mainly that we have no idea who downloads the data. Could be 5 people could be 5000.
    We did have a user group but it stopped meeting during the pandemic and never restarted.
    Keeping users interested between annual publications.
    Our users are spread over lots of sectors so it's hard to pick one channel that reaches them all.
    Not knowing whether we are allowed to contact people who email us with questions.
    None really, we just haven't prioritised it
    Tension between being open with users and keeping to the pre-release rules.
    It's hard to measure whether engagement made any difference, which makes it hard to argue for more time.
    """
)

SUPPORT_WANTED: Final[tuple[str, ...]] = _answers(
    """
    Training on how to run a user survey that people actually respond to.
    Templates! A simple feedback form and a user engagement plan template would save us a lot of time.
    Some kind of central list of user groups and forums so we can see what already exists.
    A workshop on identifying users, especially the less obvious ones.
    Mentoring from someone in another department who has done this well.
    guidance on GDPR and keeping contact lists
    Case studies of small teams doing engagement on a tight budget.
    Shadowing opportunities - I'd like to sit in on another team's user group.
    Help analysing free text feedback, we get lots of comments and don't know how to summarise them.
    Clear guidance on what OSR expect from us on user engagement.
    Short top tips documents rather than long guidance.
    A network of people doing the same thing so we can swap ideas.
    Training for the whole team, not just one person, so it doesn't disappear when someone leaves.
    Access to a user researcher for a few days to help us get started.
    An online event where teams present what worked and what didn't.
    Not sure yet. Maybe some basic guidance.
    Help persuading senior managers that this is worth the time.
    Support with running online events - the tech side, breakout rooms, that kind of thing.
    A central place to find existing user research so we don't repeat what others have done.
    Examples of good user engagement plans from other producers.
    Guidance on tailoring communication to different audiences, e.g. the public versus expert users.
    Facilitation training
    Someone to review our draft survey questions before we send them out.
    A template for a 'you said, we did' page.
    Advice on how to get more responses to consultations.
    Help joining up with other departments that have the same users as us, so we don't all survey the same people.
    Regular drop-in sessions where we can ask questions.
    Practical how-to guides, step by step.
    A shared mailing list of users interested in particular topics that departments could use.
    help with the social media side - what we can and cant do and how to get approval
    Training on interviewing users.
    Just knowing who our champion is would be a start!
    Peer review of our engagement activities, a bit like a critical friend.
    Funding for events would be nice but I know that's unlikely.
    Guidance on measuring whether engagement is making a diffrence.
    Help setting up a user group from scratch: terms of reference, who to invite, how often to meet.
    more case studies please, particularly from smaller organisations
    E-learning that we can do at our own pace.
    Resources on accessibility and engaging with users who have disabilities.
    A buddy system with a more experienced team.
    Support to engage with the devolved administrations and local government users.
    Clear roles - who in the department should be doing what.
    Help writing a user engagement strategy for our division.
    Good practice on running consultations, and on feeding back to people afterwards.
    Some quick wins we could do in an afternoon.
    A toolkit with survey questions, email templates and an events checklist.
    Training in qualitative analysis
    It would help to have a contact in the hub we could ring for advice.
    Advice on using the release page to collect feedback.
    A forum for statisticians working on similar topics across government.
    Helping us understand what users want from our outputs without a huge survey.
    Sharing of user personas that other teams have made.
    I'd like guidance on engaging with the media as users of our statistics.
    help with prioritising - which users to focus on first
    Webinars, recorded so we can watch them later.
    Support in setting up a StatsUserNet community and keeping it active.
    Guidance on engaging users about methods changes and revisions.
    Some way to share success stories across the GSS.
    Training on presenting statistics to non-expert audiences.
    A checklist of things to do before, during and after a release.
    Nothing specific at the moment.
    Somthing practical on running focus groups online would be really helpful.
    Honestly just reassurance that a small amount of engagement is better than none. We always feel we're not doing enough.
    A directory of user engagement champions and what they can help with.
    Workshops with policy and comms colleagues together, so everyone hears the same message.
    Coaching for team leaders on building engagement into business plans.
    Help designing a user feedback survey that we can reuse every year.
    """
)

ACTIVITIES: Final[tuple[str, ...]] = _answers(
    """
    Annual user survey, plus a feedback link on every release page.
    We meet our main policy customers every quarter.
    Ad hoc conversations with users who email the team mailbox.
    User group twice a year with about 20 members from local authorities, charities and academia.
    A consultation when we make big changes to the methods.
    Mostly just answering queries.
    We present at a couple of conferences a year and talk to people afterwards.
    Online seminars after each annual release to walk users through the key findings.
    Blog posts and a newsletter that goes to about 400 subscribers.
    We ran some user interviews with a user researcher last year which led to a redesign of our tables.
    Feedback form on the website. We get a handful of responses a month.
    Regular meetings with analysts in the devolved administrations.
    twitter occasionally, through the press office
    A StatsUserNet group but it's fairly quiet.
    We hold a stakeholder event every two years.
    Informal chats with users at events, workshops when we have time, and a short survey every few years.
    Pre-release briefings for the main government users (under the pre-release rules).
    Email updates to a distribution list when we publish.
    Usability testing of our dashboard with a small group of users.
    Quarterly steering group with other producers of similiar statistics.
    Not much apart from responding to queries and FOI requests.
    We have a user engagement plan that covers a survey, a user group and an annual event.
    Consultations on proposed changes, published with a summary of responses.
    Attending other organisations' user groups to hear what their members need.
    We ask for feedback at the end of every publication.
    One-to-one calls with key users before we change anything.
    Workshops with local government users to co-design new outputs.
    We set up a panel of about 15 expert users we can contact for quick views.
    Engagement mostly happens through the policy team rather than us directly.
    Joint events with other departments on cross-cutting topics like housing and homelessness.
    Mailing list, user group and an annual survey
    Monitoring web analytics to see which tables are downloaded most.
    Talking to the helpdesk team about the queries they get.
    We did a user survey in 2019 but nothing since.
    Webinars when we launch a new product.
    Occasional focus groups with members of the public, run by our social research colleagues.
    Collaboration with academics on a research project using our data.
    Sessions with journalists before a big release to explain the methods.
    ad hoc mostly
    We publish a user engagement strategy and report back on it each year.
    Presentations to internal boards and committees who use the figures.
    Through the GSS topic groups and user forums.
    A survey on the release page and a Teams channel for regular users.
    Short polls in our newsletter.
    Meetings with the regulator and our main users during the statistics' assessment.
    Direct engagement with trade bodies who represent the businesses we collect data from.
    we talk to our data suppliers more than our users to be honest
    A yearly meeting of the users' advisory group, with minutes published.
    Reviewing comments left on our blog and social media posts.
    Case studies showing how people use our statistics, collected through interviews.
    We co-host a conference with a university every couple of years.
    Annual customer satisfaction survey run by the department (not specific to statistics).
    User testing of new interactive tools with internal and external users.
    Engaging users on our release calendar changes by email and a short survey.
    Presentations at regional events for local authority analysts.
    Phone calls to users who have downloaded the data recently (when we can find out who they are).
    We have a named contact for each of our main user organisations.
    Feedback sessions with charities working in our topic area.
    The odd workshop. Nothing regular.
    Running a 'meet the statisticians' session during stats week.
    A user needs review every three years which includes interviews and a survey.
    Discussions at the inter-departmental working group.
    Monthly drop-in session for users to ask questions about the data.
    We took part in the cross-government survey on user needs for our topic.
    Email and phone mostly
    we send a feedback questionaire with the annual release, and meet the main policy users when there's a change
    A joint workshop with the devolved administrations each spring, plus whatever comes through the mailbox.
    Quarterly newsletter, annual user event and a feedback inbox that the whole team monitors.
    """
)

#: Activity answers for respondents who said they do not engage with users.
NON_ENGAGER_ACTIVITIES: Final[tuple[str, ...]] = _answers(
    """
    None at the moment.
    We don't do any, apart from answering the odd question.
    Nothing formal.
    n/a
    None - this is something we want to start.
    We used to have a user group but it stopped.
    Not applicable, our outputs are used internally only.
    Nothing really, the policy team talk to stakeholders.
    Haven't had time to do anything yet.
    none
    Nothing yet but we are planning a survey next year.
    We only respond to queries when they come in.
    """
)

#: Answers with made-up contact details, so redaction has something to do.
BARRIERS_WITH_CONTACT: Final[tuple[str, ...]] = _answers(
    """
    Time mainly. Happy to discuss further, my email is priya.shah@example.org
    Lack of resource. If you want more detail please ring me on 01632 960418.
    We wrote up our barriers in a blog post: https://www.example.org/blog/user-engagement-barriers
    low response rates - contact dan.hughes@example.com if you want our survey results
    Getting sign-off for anything external. Call me on 07700 900361 if useful.
    """
)

SUPPORT_WITH_CONTACT: Final[tuple[str, ...]] = _answers(
    """
    Training and templates. I'm happy to help the hub test them: e.harrison@example.org
    Mentoring please - you can reach me on 020 7946 0527.
    Something like the guidance at https://www.example.com/engagement-toolkit would be great.
    Case studies. Email me at tom_mcallister@example.com and I can share ours.
    """
)

ACTIVITIES_WITH_CONTACT: Final[tuple[str, ...]] = _answers(
    """
    We run a user forum, details at https://www.example.org/user-forum - contact amira.begum@example.com to join.
    A yearly survey. Anyone interested can call the team on 01632 960772.
    Newsletter and events; sign up at www.example.com/stats-news
    """
)
