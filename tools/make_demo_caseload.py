#!/usr/bin/env python3
"""Write the synthetic demo caseload used to try FamilyWorker without real data.

Everything here is invented: the town, the team, the families, the schools and every
name. The output is deterministic for a given seed.

Dates are stored relative to the day the demo is loaded, so the demo never goes stale:
  * a date is an integer number of days (negative = in the past, e.g. -120);
  * a date and time is a two-element list [day_offset, "HH:MM"].

Usage:
    python3 tools/make_demo_caseload.py [--seed 2024] [--out resources/demo/caseload.json]
                                        [--cohort resources/demo/cohort_example.csv]
"""
# ruff: noqa: E501  (the sample sentences below read better unwrapped)

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "resources" / "templates" / "family_web_star_v1.json"
CRITERIA_PATH = ROOT / "resources" / "criteria" / "supporting_families_2022.json"
DEFAULT_OUT = ROOT / "resources" / "demo" / "caseload.json"
DEFAULT_COHORT = ROOT / "resources" / "demo" / "cohort_example.csv"

FAMILY_COUNT = 36
DOMAINS = ("health", "feelings", "safety", "relationships", "routines", "learning",
           "home-money", "community", "work-skills")
CRITERIA = ("education", "early-years", "health", "substance-use", "relationships",
            "safe-from-abuse", "crime", "domestic-abuse", "housing", "financial-stability")
YEAR = 365

TEAM = {"name": "Northfield Early Help Team", "area": "Northfield"}
WORKERS = [
    {"key": "w1", "name": "Kerry Ashdown", "role": "worker", "contact": "07700 900123"},
    {"key": "w2", "name": "Oluwaseun Adebayo-Hart", "role": "worker", "contact": "07700 900456"},
    {"key": "w3", "name": "Bronagh McKeever", "role": "worker", "contact": "07700 900789"},
    {"key": "s1", "name": "Ayşe Korkmaz", "role": "supervisor", "contact": "07700 900321"},
]
WORKER_SHORT = {"w1": "Kerry", "w2": "Seun", "w3": "Bronagh", "s1": "Ayşe"}

# --------------------------------------------------------------------------- names

# Each heritage: (women, men, girls, boys, surnames)
HERITAGES = {
    "english": (["Gemma", "Danielle", "Kayleigh", "Stacey", "Zoë", "Leanne", "Hayley", "Chloë"],
                ["Craig", "Darren", "Lee", "Ryan", "Dean", "Jamie"],
                ["Lily-Mae", "Ruby", "Zoë", "Evie", "Poppy", "Amelia", "Skye", "Harper"],
                ["Alfie", "Tyler", "Mason", "Harley", "Jayden", "Reggie", "Charlie", "Kai"],
                ["Hargreaves", "Whitworth", "Lomax", "Pickering", "Holroyd", "Barraclough",
                 "Sutcliffe", "Dobson", "Ackroyd", "Marsden", "Crossley", "Fenwick", "Brierley"]),
    "irish": (["Siobhán", "Bronagh", "Niamh", "Róisín", "Aoife", "Clodagh"],
              ["Ciarán", "Pádraig", "Seán", "Declan", "Eoin"],
              ["Caoimhe", "Saoirse", "Aoibhinn", "Orla", "Éabha"],
              ["Oisín", "Cian", "Tadhg", "Rónán", "Darragh"],
              ["O'Neill", "O'Donnell", "McAllister", "Doherty", "Quinlan", "Ó Gallchóir", "Keogh", "Mac Giolla"]),
    "polish": (["Agnieszka", "Katarzyna", "Małgorzata", "Joanna", "Ewelina"],
               ["Łukasz", "Paweł", "Tomasz", "Krzysztof", "Michał"],
               ["Zofia", "Wiktoria", "Zuzanna", "Maja", "Lena"],
               ["Kacper", "Jakub", "Filip", "Szymon", "Antoni"],
               ["Nowak", "Wójcik", "Mazur", "Kaczmarek", "Kowalczyk", "Zieliński", "Dąbrowski"]),
    "nigerian": (["Adaeze", "Folake", "Chiamaka", "Temitope", "Ngozi"],
                 ["Oluwaseun", "Tunde", "Chidi", "Emeka", "Kunle"],
                 ["Ifeoma", "Tolu", "Adanna", "Simi", "Zainab"],
                 ["Daniel", "Tobi", "Chinedu", "David", "Ayo"],
                 ["Adeyemi", "Okafor", "Balogun", "Eze", "Oyelaran", "Nwosu"]),
    "turkish": (["Ayşe", "Özlem", "Elif", "Gülşen", "Derya"],
                ["Mehmet", "Emre", "Barış", "Serkan", "Hakan"],
                ["Zeynep", "Defne", "Ecem", "Nazlı"],
                ["Yusuf", "Efe", "Çağan", "Kerem"],
                ["Yılmaz", "Demir", "Aksoy", "Çelik", "Şahin"]),
    "south-asian": (["Farhana", "Shazia", "Priya", "Nasreen", "Harpreet", "Rukhsana"],
                    ["Imran", "Tariq", "Sandeep", "Asif", "Rizwan"],
                    ["Maryam", "Aisha", "Simran", "Hafsa", "Inaaya"],
                    ["Zain", "Hamza", "Ayaan", "Arjun", "Ibrahim"],
                    ["Begum", "Hussain", "Akhtar", "Sandhu", "Chaudhry", "Rahman", "Iqbal", "Mistry", "Kaur-Bains"]),
    "caribbean": (["Marcia", "Shanice", "Keisha", "Paulette"],
                  ["Delroy", "Jermaine", "Winston", "Leon"],
                  ["Nia", "Tia", "Amani", "Jada"],
                  ["Kai", "Malachi", "Jaden", "Isaiah"],
                  ["Campbell", "Grant", "McFarlane", "Brown-Lewis", "Thompson", "Osbourne"]),
    "spanish": (["Marisol", "Inés", "Lucía", "Begoña"],
                ["José", "Andrés", "Iñaki"],
                ["Lucía", "Martina", "Noelia"],
                ["Mateo", "Hugo", "Adrián"],
                ["Nuñez", "Ortega", "Peña", "Ibáñez"]),
    "romanian": (["Andreea", "Ioana", "Mihaela"],
                 ["Ionuț", "Ștefan", "Florin"],
                 ["Bianca", "Ana-Maria", "Daria"],
                 ["Luca", "Matei", "Răzvan"],
                 ["Popescu", "Ionescu", "Dumitrașcu"]),
    "somali": (["Hodan", "Fadumo", "Ubah", "Sagal"],
               ["Abdi", "Mahad", "Abdirahman"],
               ["Yasmin", "Ifrah", "Naima", "Ayaan"],
               ["Hamza", "Liban", "Mustafe"],
               ["Warsame", "Farah", "Jama", "Abdullahi"]),
    "scottish-welsh": (["Eilidh", "Catrin", "Morag", "Rhiannon"],
                       ["Rhys", "Gethin", "Callum", "Euan"],
                       ["Isla", "Ffion", "Mairi", "Seren"],
                       ["Osian", "Finlay", "Dylan", "Rory"],
                       ["MacLeod", "Llewellyn", "Pryce", "Drummond"]),
}
ELDERS = {"english": ["Maureen", "Pauline", "Sandra", "Brenda"],
          "irish": ["Bríd", "Mairéad", "Philomena"], "polish": ["Halina", "Krystyna"],
          "nigerian": ["Funmilayo", "Ngozi"], "turkish": ["Fatma", "Hatice"],
          "south-asian": ["Rashida", "Kulwant", "Zubaida"], "caribbean": ["Hyacinth", "Gloria"],
          "spanish": ["Pilar", "Remedios"], "romanian": ["Elena", "Viorica"],
          "somali": ["Halima", "Khadija"], "scottish-welsh": ["Morag", "Gwenllian"]}
HERITAGE_WEIGHTS = {"english": 9, "irish": 4, "polish": 4, "nigerian": 3, "turkish": 2,
                    "south-asian": 4, "caribbean": 3, "spanish": 2, "romanian": 2,
                    "somali": 2, "scottish-welsh": 2}

STREETS = ["Larchfield Road", "Cobden Street", "Alder Close", "Wharf Terrace", "Hollin Lane",
           "Rowan Court", "St Bride's Walk", "Millrace Drive", "Cinder Hill", "Foundry Row",
           "Beckside Gardens", "Prospect Avenue", "Tanner's Yard", "Kestrel Way",
           "Old Quarry Lane", "Marlow Crescent", "Weaver's Green", "Gorse Bank",
           "Sycamore Mews", "Brindle Street"]
LOCALITIES = {"Northfield Central": "NF1", "Larchfield": "NF2", "Holmewood": "NF3",
              "Castlegate": "NF4", "Riverside": "NF5", "Thornley Moor": "NF6",
              "Brindle Heath": "NF7"}
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward-code letters (no C, I, K, M, O, V)

NURSERIES = ["Little Acorns Day Nursery", "Brambles Pre-school", "Holmewood Children's Centre",
             "Sunnybank Nursery"]
PRIMARIES = ["Larchfield Primary School", "St Bride's RC Primary School",
             "Holmewood Community Primary", "Castlegate Academy (Primary)",
             "Riverside C of E Primary School", "Thornley Moor Infant and Junior School"]
SECONDARIES = ["Northfield High School", "Castlegate Academy", "Brindle Heath School",
               "Our Lady of Lourdes Catholic High", "Northfield Pupil Referral Unit"]
COLLEGES = ["Northfield College", "Castlegate Sixth Form", "not in education or training"]

AGENCIES = [
    ("Health visiting", "Health visitor for the under-fives", "Health visiting team, 01632 960101"),
    ("School nurse", "Health and wellbeing checks at school", "School nursing, 01632 960118"),
    ("Youth offending service", "Supervising a referral order", "YOS duty officer, 01632 960134"),
    ("Housing association", "Tenancy support officer", "Northfield Homes, 01632 960152"),
    ("Citizens Advice", "Debt and benefits advice", "Northfield Citizens Advice, 01632 960167"),
    ("CAMHS", "Child and adolescent mental health support", "CAMHS single point of access, 01632 960173"),
    ("Police", "Neighbourhood policing team", "Northfield NPT, 101 (ref. NF-NPT)"),
    ("Adult mental health", "Talking therapies for a parent", "Let's Talk Northfield, 01632 960185"),
    ("Drug and alcohol service", "Key worker for a parent", "Turning Point Northfield, 01632 960190"),
    ("Domestic abuse service", "Independent domestic violence adviser", "Safer Homes Northfield, 01632 960196"),
    ("Jobcentre Plus", "Work coach", "Northfield Jobcentre, 0800 169 0190"),
    ("Educational psychology", "Assessment for a child's needs", "EP service, 01632 960145"),
]

# --------------------------------------------------------------------------- criteria

CRITERION_EVIDENCE = {
    "education": ["{child}'s attendance is {pct}% this term; persistent absence.",
                  "{child} has had two fixed-term suspensions since September.",
                  "{child} is on a part-time timetable and below 80% attendance.",
                  "School report {child} is often late and missing most Mondays."],
    "early-years": ["{child} missed the 2-year check; speech is behind for age.",
                    "{child} not taking up the funded nursery place.",
                    "Health visitor concerned about {child}'s weight and development."],
    "health": ["{adult} has low mood and anxiety; on a waiting list for talking therapy.",
               "{adult} has a long-term back condition and struggles with daily tasks.",
               "{child} is on the CAMHS waiting list for anxiety and self-harm.",
               "{adult} has missed several diabetes clinic appointments."],
    "substance-use": ["{adult} says drinking has increased since losing work.",
                      "{adult} uses cannabis daily; open to the drug and alcohol service.",
                      "Police report alcohol involved in two call-outs to the home."],
    "relationships": ["Frequent arguments between {adult} and {child}; {child} has gone to a friend's overnight.",
                      "{adult} says she cannot manage {child}'s behaviour at home.",
                      "Parents separated; contact arrangements cause ongoing conflict."],
    "safe-from-abuse": ["{child} has been reported missing twice in three months.",
                        "Concerns {child} is spending time with older young people in the park.",
                        "Stepped down from a child in need plan; support still needed."],
    "crime": ["{child} received a community resolution for criminal damage.",
              "Anti-social behaviour complaints from neighbours about the family.",
              "{adult} on licence after a short custodial sentence."],
    "domestic-abuse": ["Police notification of a domestic incident; children present.",
                       "{adult} disclosed past domestic abuse from ex-partner; ex still makes contact.",
                       "MARAC referral closed; {adult} wants support to stay safe."],
    "housing": ["Rent arrears of £{money} and a notice seeking possession.",
                "Overcrowded two-bedroom flat; damp in the children's room.",
                "Family placed in temporary accommodation after eviction."],
    "financial-stability": ["No adult in work; Universal Credit sanctions in the past year.",
                            "Debts of about £{money} including council tax and a catalogue.",
                            "{adult} relies on the food bank most months."],
}

CRITERION_TO_DOMAINS = {
    "education": ["learning", "routines"], "early-years": ["learning", "routines", "health"],
    "health": ["health", "feelings"], "substance-use": ["health", "safety"],
    "relationships": ["relationships", "routines"], "safe-from-abuse": ["safety", "community"],
    "crime": ["safety", "community"], "domestic-abuse": ["safety", "relationships", "feelings"],
    "housing": ["home-money"], "financial-stability": ["home-money", "work-skills"],
}

OUTCOME_EVIDENCE = {
    "education": "{child}'s attendance above 92% for two full terms (school data).",
    "early-years": "{child} taking up 15 hours nursery; 2-year check done and on track.",
    "health": "{adult} finished a talking therapy course; GP confirms improvement.",
    "substance-use": "{adult} completed the alcohol service programme; no relapse reported.",
    "relationships": "Parenting course completed; family scores for getting on up by 4 points.",
    "safe-from-abuse": "No missing episodes for six months; {child} engaging with youth club.",
    "crime": "No further police or ASB reports for six months (police check).",
    "domestic-abuse": "No further incidents for six months; safety plan in place and reviewed.",
    "housing": "Arrears cleared under a payment plan; possession notice withdrawn.",
    "financial-stability": "{adult} in paid work for 16 hours a week for six months.",
}

# --------------------------------------------------------------------------- star

DOMAIN_NOTES = {
    "health": (["{adult} not sleeping and skipping meals.", "Dentist not seen for years.",
                "{child}'s asthma not well controlled.", "Nobody registered with a GP since moving."],
               ["Everyone now registered with the GP.", "{adult} walking the school run every day.",
                "Inhaler reviews are up to date.", "Cooking tea at home most nights now."]),
    "feelings": (["{adult} says she cries most days.", "{child} gets very anxious at night.",
                  "{adult} feels overwhelmed and on edge."],
                 ["{adult} says the therapy sessions are helping.",
                  "{child} uses the worry box and talks more.", "Fewer low days, says {adult}."]),
    "safety": (["{child} out late and not saying where.", "Worried about {child}'s phone use.",
                "Ex-partner still turning up at the house."],
               ["Safety plan on the fridge; everyone knows it.",
                "{child} home by the agreed time most nights.", "New locks fitted; feels safer."]),
    "relationships": (["Shouting most evenings.", "{child} and {adult} hardly speaking.",
                       "Contact handovers end in rows."],
                      ["Family film night every Friday.", "Rows calm down quicker now.",
                       "{child} and {adult} cooked together this week."]),
    "routines": (["No set bedtime; {child} up gaming past midnight.",
                  "Mornings chaotic, often late for school.", "No rules the children stick to."],
                 ["Bedtime chart is working.", "Bags packed the night before.",
                  "House rules agreed and on the wall."]),
    "learning": (["{child} refusing school most days.", "{child} behind with reading.",
                  "{child} late most mornings."],
                 ["{child} in every day this half term.", "Reading with {child} at bedtime.",
                  "Good report from {child}'s teacher."]),
    "home-money": (["Rent arrears and bailiff letters.", "Damp in the back bedroom.",
                    "Running out of gas and electric most weeks."],
                   ["Payment plan agreed with the landlord.", "Debt advice appointment went well.",
                    "Damp sorted by the housing association."]),
    "community": (["No friends nearby since moving.", "{adult} does not leave the house much.",
                   "Family fell out with neighbours."],
                  ["Goes to the Thursday parent group.", "{child} joined the football club.",
                   "Nan helps with the school run now."]),
    "work-skills": (["No one in work; confidence is low.", "{adult} has no qualifications.",
                     "Worried about losing benefits if she works."],
                    ["Started volunteering at the community café.", "Enrolled on English course.",
                     "CV done with the work coach."]),
}

STAR_FAMILY_WORDS = [
    "We're not there yet but it feels different.",
    "I didn't think we'd get this far to be honest.",
    "Things are a bit calmer. Not perfect, but calmer.",
    "It's hard to score ourselves, we just muddle through.",
    "{child} said \"we're happier now\", and that made me cry.",
    "Some days are still rubbish but there's more good ones.",
    "I feel like people are listening to us for once.",
    "Money is still the big worry, everything else is better.",
    "We want to keep going, we don't want to slip back.",
    "I'm proud of us. Write that down.",
    "It was a bad month, I'm not going to pretend.",
    "The kids are doing better than me, and that's all right.",
    "Honestly? I just need a bit of sleep.",
    "We laughed doing this star, that's new.",
    "I know what I need to do now, it's just doing it.",
]

# --------------------------------------------------------------------------- plans

GOALS = {
    "health": [("Everyone is registered with a doctor and a dentist.",
                [("Register the family with Castlegate Surgery", "{adult}"),
                 ("Book dental check-ups for the children", "{adult}"),
                 ("Help fill in the registration forms", "{worker} (family worker)")]),
               ("{adult} gets help with her health.",
                [("Ring the GP about the pain and tiredness", "{adult}"),
                 ("Go with {adult} to the first appointment", "{worker} (family worker)"),
                 ("Write down questions to ask the doctor", "{adult}")])],
    "feelings": [("{adult} feels less low and knows where to get help.",
                  [("Self-refer to Let's Talk Northfield", "{adult}"),
                   ("Check in by phone every week", "{worker} (family worker)"),
                   ("Try the breathing app for two weeks", "{adult}")]),
                 ("{child} has someone to talk to about worries.",
                  [("Ask school about the ELSA sessions", "{worker} (family worker)"),
                   ("Start weekly sessions with {child}", "School"),
                   ("Set up a worry box at home", "{adult}")])],
    "safety": [("The children are safe and we all know the safety plan.",
                [("Make a safety plan together and put it up at home", "{worker} (family worker)"),
                 ("Apply for a non-molestation order", "{adult}"),
                 ("Fit a video doorbell", "Housing association")]),
               ("{child} is home on time and we know where they are.",
                [("Agree a curfew with {child} and write it down", "{adult}"),
                 ("Share phone locations with each other", "{child}"),
                 ("Refer {child} to the youth club mentoring", "{worker} (family worker)")])],
    "relationships": [("We have fewer rows and sort things out calmly.",
                       [("Go to the Family Links course on Tuesdays", "{adult}"),
                        ("Have one family night a week with no phones", "Everyone"),
                        ("Agree a 'time out' word when rows start", "{adult} and {child}")]),
                      ("{child} and {adult} spend good time together.",
                       [("Go swimming together on Saturdays", "{adult}"),
                        ("Get leisure passes for the family", "{worker} (family worker)")])],
    "routines": [("Mornings are calm and the children get to school on time.",
                  [("Pack school bags the night before", "{child}"),
                   ("Set two alarms and a visual timetable", "{adult}"),
                   ("Make a morning chart with the children", "{worker} (family worker)")]),
                 ("The children go to bed at a set time on school nights.",
                  [("Phones and consoles off by 9pm", "{adult}"),
                   ("Use the sticker chart for bedtime", "{adult}"),
                   ("Check in on how bedtime is going", "{worker} (family worker)")])],
    "learning": [("{child} goes to school or nursery every day.",
                  [("Meet the attendance officer and agree a plan", "{adult}"),
                   ("Give {child} a safe space to go at break", "School"),
                   ("Walk {child} in for the first two weeks", "{adult}"),
                   ("Check attendance every Friday", "{worker} (family worker)")]),
                 ("{child} gets the help they need with learning.",
                  [("Ask for an assessment of {child}'s needs", "School"),
                   ("Go to the meeting with the SENCo", "{adult}"),
                   ("Read with {child} three times a week", "{adult}")])],
    "home-money": [("We keep our home and clear the rent arrears.",
                    [("Go to Citizens Advice with all the letters", "{adult}"),
                     ("Agree a payment plan with the landlord", "{adult}"),
                     ("Apply for Discretionary Housing Payment", "{worker} (family worker)"),
                     ("Hold off legal action while the plan is agreed", "Housing association")]),
                   ("We have enough money for food and bills each month.",
                    [("Do a benefits check", "Citizens Advice"),
                     ("Apply for the Household Support Fund", "{worker} (family worker)"),
                     ("Keep a simple spending diary", "{adult}")])],
    "community": [("We have people around us to turn to.",
                   [("Try the Thursday parent and toddler group", "{adult}"),
                    ("Ask Nan to help with Tuesday pick-ups", "{adult}"),
                    ("Find a holiday club for the children", "{worker} (family worker)")]),
                  ("{child} has something to do after school.",
                   [("Sign {child} up for football or boxing club", "{adult}"),
                    ("Pay the club fees from the family fund", "{worker} (family worker)")])],
    "work-skills": [("{adult} takes a first step towards work.",
                     [("Go to the Jobcentre work club", "{adult}"),
                      ("Help write a CV", "Jobcentre Plus"),
                      ("Look at volunteering at the food pantry", "{adult}")]),
                    ("{adult} improves her English and confidence.",
                     [("Enrol on the ESOL course at Northfield College", "{adult}"),
                      ("Find a crèche place during classes", "{worker} (family worker)")])],
}

WORKING_WELL = {
    "health": "Everyone is now registered with the doctor.",
    "feelings": "{adult} is talking more openly about how she feels.",
    "safety": "{adult} keeps to the safety plan and rings the police if she needs to.",
    "relationships": "The family have fun together when they go to the park.",
    "routines": "Bedtimes are better on school nights.",
    "learning": "{child} likes their new teacher.",
    "home-money": "The rent is being paid on time now.",
    "community": "Nan is a big help and lives close by.",
    "work-skills": "{adult} enjoys her volunteering.",
}
WORRIED_ABOUT = {
    "health": "{adult} is not sleeping and keeps missing appointments.",
    "feelings": "{adult} feels low most days and {child} is anxious.",
    "safety": "{child} is out late and we don't always know where.",
    "relationships": "There is a lot of shouting at home.",
    "routines": "Mornings are chaotic and the children are often late.",
    "learning": "{child} is missing a lot of school.",
    "home-money": "There are rent arrears and letters about court.",
    "community": "The family have no one close to help them.",
    "work-skills": "Nobody is working and money is very tight.",
}
NEEDS_TO_HAPPEN = {
    "health": "{adult} to see the GP and keep the appointments.",
    "feelings": "{adult} to get talking therapy and {child} to have someone at school.",
    "safety": "Everyone to know and use the safety plan.",
    "relationships": "Calmer ways to sort out rows.",
    "routines": "A simple routine for mornings and bedtimes.",
    "learning": "{child} to go to school every day, with help from school.",
    "home-money": "A payment plan for the arrears and a benefits check.",
    "community": "Find groups and people nearby for the family.",
    "work-skills": "{adult} to take a first step into training or work.",
}
PLAN_FAMILY_WORDS = [
    "We want a calmer house where the kids feel safe.",
    "I want {child} back in school and happy.",
    "I just want to stop worrying about money every day.",
    "We want to be a normal family, doing normal things.",
    "I want my kids to be proud of me.",
    "No more shouting. That's the main thing.",
    "We want to stay in this house. It's our home.",
    "I want to feel like myself again.",
    "We want to sort it ourselves, with a bit of help.",
    "I want {child} to have a better start than I had.",
]

# --------------------------------------------------------------------------- notes

OPENERS = {
    "home-visit": ["Planned home visit to {family}.", "Home visit as agreed last week.",
                   "Visited the family at home after school.", "Unannounced visit as agreed at the last review.",
                   "Home visit; {adult} answered the door straight away and seemed pleased to see me.",
                   "Arrived at 10am; the house was tidy and warm.",
                   "Home visit to go through the plan with {adult}."],
    "phone": ["Phone call with {adult}.", "{adult} rang the office asking for me.",
              "Rang {adult} to check in after the weekend.", "Call to {adult} to follow up the last visit.",
              "Returned {adult}'s missed call."],
    "text-email": ["Text exchange with {adult}.", "Email from school about {child}.",
                   "{adult} texted to rearrange Thursday's visit.",
                   "Sent {adult} a reminder text about tomorrow's appointment."],
    "school": ["Met {child}'s head of year at school.", "Visit to school to see {child}.",
               "Meeting at school with the SENCo and {adult}.",
               "Saw {child} in school at lunchtime in the quiet room."],
    "multi-agency-meeting": ["Team Around the Family meeting at Holmewood Children's Centre.",
                             "Multi-agency review meeting held at school.",
                             "Team Around the Family review, held online.",
                             "Professionals' meeting to review the plan."],
    "office": ["{adult} came to the office for an appointment.",
               "Met {adult} at the family hub for a private chat.",
               "Office appointment with {adult} to fill in forms."],
}

TOPIC_SENTENCES = {
    "health": ["{adult} has been to the GP and started new medication; she says it is too early to tell.",
               "{adult} missed the hospital appointment again because she could not get there.",
               "I helped {adult} register the family with Castlegate Surgery.",
               "{child}'s asthma review is booked for next week.",
               "{adult} says she is eating better and has started walking the school run.",
               "The dentist letter was still unopened on the side; we opened it together."],
    "feelings": ["{adult} was tearful and said the last two weeks have been hard.",
                 "{adult} said she feels \"a bit more like myself\" since starting the sessions.",
                 "{child} talked about feeling worried at night and not wanting to sleep alone.",
                 "We used the feelings cards with {child}, who chose 'calm' and 'tired'.",
                 "{adult} has been to two talking therapy sessions and plans to keep going."],
    "safety": ["We went through the safety plan again and {adult} could say what she would do.",
               "{adult} said {child} came home at 11pm on Saturday and would not say where they had been.",
               "{child} agreed to share their location on their phone with {adult}.",
               "No further police call-outs since the last visit.",
               "{adult} said her ex-partner has not been in contact this fortnight.",
               "I talked with {child} about staying safe online and who they can tell."],
    "relationships": ["There was an argument between {adult} and {child} just before I arrived; both calmed down quickly.",
                      "{adult} said there has been less shouting this week.",
                      "{child} said home is \"better than before\" and that family film night was good.",
                      "{adult} has been to three Family Links sessions and is using the praise ideas.",
                      "{adult} and {child} played a board game while I was there and laughed together."],
    "routines": ["{adult} showed me the new morning chart on the fridge.",
                 "Bedtime has slipped again over half term; {adult} wants to get back on track.",
                 "The children were in pyjamas by 7.30pm and {adult} said this is now normal.",
                 "We talked about phones off at 9pm; {child} was not keen but agreed to try it.",
                 "{adult} has started packing bags the night before and says mornings are quicker."],
    "learning": ["{child}'s attendance is up to {pct}% this half term.",
                 "School say {child} has been late four times in two weeks.",
                 "{child} is now going to the breakfast club, which is helping with mornings.",
                 "The SENCo will ask for an educational psychology assessment for {child}.",
                 "{child} showed me a certificate from school for reading.",
                 "{child} refused to go in on Monday and Tuesday; {adult} got them in on Wednesday."],
    "home-money": ["{adult} showed me a letter from the landlord about the arrears.",
                   "We rang Citizens Advice together and booked a debt appointment.",
                   "The Household Support Fund application was approved; vouchers sent.",
                   "{adult} said the gas ran out at the weekend; I gave a fuel voucher.",
                   "The housing association has agreed to fix the damp in the back bedroom.",
                   "The arrears are down to £{money} and the payment plan is being kept."],
    "community": ["{adult} went to the Thursday parent group and said it was \"all right actually\".",
                  "{child} has joined the football club on Saturday mornings.",
                  "{adult} said her mum is helping more with pick-ups.",
                  "We looked at holiday activities at the family hub together.",
                  "{adult} has not been out much this week and said she feels cut off."],
    "work-skills": ["{adult} has signed up for the ESOL course starting next month.",
                    "{adult} went to the work club and wrote the start of a CV.",
                    "{adult} has started volunteering two mornings a week at the community café.",
                    "{adult} had an interview at the supermarket and is waiting to hear.",
                    "We talked about how work would affect Universal Credit; {adult} was relieved."],
}
VOICE_OF_CHILD = ["{child} said the best thing this week was going to the park with {adult}.",
                  "{child} drew a picture of the family and put everyone smiling.",
                  "{child} said they want \"less shouting and more pizza\".",
                  "{child} did not want to talk today and that was respected.",
                  "{child} said school is \"OK\" and that they have a new friend.",
                  "{child} showed me their bedroom and the new bunk beds."]
MEETING_SENTENCES = ["All agencies shared updates and agreed the plan is still right.",
                     "School reported improving attendance; health visiting have no new concerns.",
                     "Agreed the case will stay at early help for now and be reviewed in six weeks.",
                     "Housing confirmed no further action on the tenancy while the payment plan holds.",
                     "{adult} was able to say what has helped and what has not.",
                     "Discussed whether step-down to universal services is the right next step."]
CLOSERS = ["Next visit booked for next week.", "{adult} knows how to contact me if things change.",
           "I will update the plan and send {adult} a copy.", "Agreed to check in by text on Friday.",
           "I will chase the referral and let {adult} know.", "No new worries today.",
           "Discussed with my supervisor afterwards.", "I will speak to school before the next visit."]
FOLLOW_UPS = ["Chase the CAMHS referral.", "Send {adult} the updated plan.",
              "Ring school about {child}'s attendance.", "Book the next Team Around the Family meeting.",
              "Apply for the Household Support Fund.", "Text {adult} a reminder on Thursday.",
              "Check the housing association has booked the repair.",
              "Share the safety plan with school (consent given).", ""]
ADDENDA = ["Correction: the appointment mentioned above is on Thursday, not Tuesday.",
           "Update: school have since confirmed {child} was in all week.",
           "Addition: {adult} rang later to say the letter has been sent.",
           "Correction: this was the second missed appointment, not the third.",
           "Added after supervision: the follow-up has been passed to the duty worker."]

IN_PERSON_MARKERS = ("showed me", "while I was there", "before I arrived", "in pyjamas",
                     "We used", "We looked", "I talked with", "together", "We went through",
                     "drew a picture", "did not want to talk today", "Arrived", "tidy", "unopened",
                     "bunk beds")
INTRO_SENTENCES = ["Introduced myself and explained what early help is and that it is voluntary.",
                   "{adult} knew about the referral and was expecting my call.",
                   "{adult} was wary at first but agreed to a first visit.",
                   "{adult} said the main worries are money and {child}'s school.",
                   "Explained how information is shared and asked about consent; {adult} will think about it.",
                   "Agreed a first home visit for later in the week."]
NOTE_KINDS = ["home-visit", "home-visit", "home-visit", "phone", "phone", "text-email",
              "school", "multi-agency-meeting", "office"]
DURATIONS = {"home-visit": (45, 120), "phone": (5, 30), "text-email": (5, 10),
             "school": (30, 60), "multi-agency-meeting": (60, 90), "office": (30, 60)}


# --------------------------------------------------------------------------- story fit

# What a sentence says about a child must suit that child's age on the day it is dated. A
# sentence naming a child ({child}) applies every matching band to that child; a sentence naming
# none needs some child of the household in each band it matches (the under-fives' services
# also fit an expectant parent). Bands are in years, the upper end exclusive.
SETTING = "school or nursery"  # any child from two: read as one phrase
CHILD_RULES = [(re.compile(pattern, re.IGNORECASE), lo, hi, expectant_ok)
               for pattern, lo, hi, expectant_ok in [
    (r"2-year check|nursery place|hours nursery|\bnursery\b|key person|napping", 2, 5, False),
    (r"health visit|weight and development|toddler|crèche|stair gate", 0, 5, True),
    (r"\bSETTING\b", 2, 18, False),
    (r"school|attendance|suspension|timetable|SENCo|teacher|breakfast club|ELSA|at break"
     r"|half term|in every day|Walk \{child\} in|late most mornings|often late"
     r"|behind with reading|certificate|refused to go in|refusing school|packing bags"
     r"|bags packed|school bags", 4, 18, False),
    (r"curfew|head of year|out late|11pm|agreed time|home on time|where they (?:are|had been)"
     r"|reported missing|missing episodes|older young people|community resolution|youth club"
     r"|self-harm|overnight", 10, 18, False),
    (r"phone use|their phone|phone locations|phones off|consoles|gaming|safe online", 9, 18,
     False),
    (r"argument|hardly speaking|time out|football|boxing|holiday club|CAMHS", 5, 18, False),
    (r"\{child\} (?:said|talked|drew|chose|did not want to talk|showed me|agreed|was not keen"
     r"|uses|gets very anxious)|feelings cards|worry box|talk to about|worries|board game"
     r"|anxious|cooked together|bunk beds|happier now|help they need with learning",
     3, 18, False),
    (r"\{child\}'s behaviour|asthma", 1, 18, False),
    (r"babbling", 0, 2, False),
]]
PLURAL = re.compile(r"(?<!\w)(?:children|kids)(?!'s [Cc]entre)\b", re.IGNORECASE)
EXPECTING = re.compile(r"midwife|antenatal|expecting a baby|ready for the baby|baby bank",
                       re.IGNORECASE)
UNBORN_OK = re.compile(r"better start|ready for the baby")
ESOL = re.compile(r"ESOL|English")
NAN_NEARBY = re.compile(r"lives close by|Ask Nan|Nan helps")
SEPARATED = re.compile(r"Parents separated|contact arrangements|Contact handovers")
GRANDPARENTS = ("Nan", "Grandmother")
FAMILIAR_ENGLISH = {"english", "irish", "scottish-welsh", "caribbean"}

# Alternatives for when the generated sentence does not fit the household; they are only ever
# chosen by the story's own random generator, so the demo's shape (families, dates, counts)
# stays what the main generator drew.
CRITERION_ALT = {
    "early-years": ["Expecting a baby and not yet booked in with the midwife.",
                    "{child}'s development checks are overdue; the health visitor cannot get in."],
    "education": ["School report {child} is often late and missing most Mondays."],
    "relationships": ["{adult} says she cannot manage {child}'s behaviour at home.",
                      "Parents separated; contact arrangements cause ongoing conflict."],
    "domestic-abuse": ["Police notification of a domestic incident at the home.",
                       "{adult} disclosed past domestic abuse from ex-partner; ex still makes contact."],
    "housing": ["Overcrowded flat with damp in every room.",
                "Rent arrears of £{money} and a notice seeking possession."],
    "health": ["{adult} has low mood and anxiety; on a waiting list for talking therapy."],
    "safe-from-abuse": ["Stepped down from a child in need plan; support still needed."],
    "crime": ["Anti-social behaviour complaints from neighbours about the family."],
}
OUTCOME_ALT = {
    "education": "School confirm attendance above 92% for two full terms.",
    "early-years": "Health visitor confirms the development checks are done and on track.",
    "safe-from-abuse": "No missing episodes or police reports for six months.",
}
DOMAIN_NOTES_ALT = {
    "health": (["{child}'s immunisations are behind."], ["{child} is growing well."]),
    "feelings": (["{adult} has felt low since {child} was born."],
                 ["{adult} is enjoying {child} more."]),
    "safety": (["No stair gate and {child} is into everything."], ["Stair gate fitted."]),
    "relationships": (["{adult} finds it hard to play with {child}."],
                      ["{adult} and {child} love bath time together."]),
    "routines": (["No set bedtime for {child} yet.", "Mornings are a rush and everyone is tired."],
                 ["Bath, book and bed is working.", "Mornings are calmer."]),
    "learning": (["{adult} is not sure how to help {child} learn through play."],
                 ["{child} loves rhyme time at the library."]),
    "community": (["{adult} does not know anyone nearby."], ["Goes to Stay and Play most weeks."]),
}
TOPIC_ALT = {
    "health": ["{child}'s immunisations are now up to date.",
               "{adult} said {child} is eating well and growing."],
    "feelings": ["{adult} said she is tired but enjoying {child} more since the new routine."],
    "safety": ["We talked about stair gates and keeping medicines out of reach.",
               "{adult} has put the medicines in a locked box since the last visit."],
    "relationships": ["{adult} and {child} were playing on the floor when I arrived and both "
                      "were laughing.", "{adult} said she and {child} have had a calmer week."],
    "routines": ["Bath, book and bed by 7pm is working most nights, says {adult}.",
                 "{child} is napping after lunch every day now."],
    "learning": ["{adult} is reading to {child} at bedtime most nights.",
                 "{child} has started at nursery two mornings a week and is settling."],
    "community": ["{adult} took {child} to Stay and Play at the children's centre.",
                  "{adult} has joined the library so {child} can go to rhyme time."],
}
VOICE_ALT = ["{child} brought me a book and sat with {adult} while we talked.",
             "{child} was babbling and smiling at {adult} throughout."]
OPENERS_ALT = {
    "school": ["Visit to {child}'s nursery to see how they are settling.",
               "Met {child}'s key person at nursery with {adult}."],
    "home-visit": ["Home visit; {adult} and {child} were in."],
    "text-email": ["{adult} texted to say the appointment letter has come."],
    "multi-agency-meeting": ["Team Around the Family meeting at the family hub."],
}
CLOSERS_ALT = ["I will ring {adult} before the next visit."]
INTRO_ALT = ["{adult} said the main worries are money and feeling on her own."]
FOLLOW_UPS_ALT = ["Ring {adult} on Friday.", ""]
ADDENDA_ALT = ["Addition: {adult} rang later to say the form has been sent."]
STAR_WORDS_ALT = ["We're not there yet but it feels different."]
PLAN_WORDS_ALT = ["We want a calmer house where everyone feels safe.",
                  "I want {child} to have a better start than I had."]
GOALS_ALT = {
    "safety": [("Everyone at home is safe and knows the safety plan.",
                [("Make a safety plan together and put it up at home", "{worker} (family worker)"),
                 ("Fit a video doorbell", "Housing association"),
                 ("Keep medicines and cleaning things locked away", "{adult}")])],
    "routines": [("{child} has a calm bedtime and a regular day.",
                  [("Bath, book and bed by 7pm", "{adult}"),
                   ("Use the sleep tips from the health visitor", "{adult}"),
                   ("Check in on how bedtime is going", "{worker} (family worker)")]),
                 ("Mornings are calm and we get to appointments on time.",
                  [("Set two alarms and a visual timetable", "{adult}"),
                   ("Get things ready the night before", "{adult}")])],
    "learning": [("{child} plays, chats and is growing well.",
                  [("Go to Stay and Play at the children's centre", "{adult}"),
                   ("Book {child}'s development check", "Health visiting"),
                   ("Share picture books at bedtime", "{adult}")]),
                 ("We are ready for the baby.",
                  [("Go to every antenatal appointment", "{adult}"),
                   ("Get the baby's things from the baby bank", "{worker} (family worker)")])],
    "community": [("{adult} has people around her to turn to.",
                   [("Go to the Thursday parent group", "{adult}"),
                    ("Ask the family hub about local groups", "{worker} (family worker)")])],
    "relationships": [("We have fewer rows and sort things out calmly.",
                       [("Go to the Family Links course on Tuesdays", "{adult}")])],
}
WORKING_WELL_ALT = {"learning": ["{adult} reads with {child} most days."],
                    "community": ["Nan is a big help."],
                    "relationships": ["The family have fun together at the park."]}
WORRIED_ABOUT_ALT = {"feelings": ["{adult} feels low most days."],
                     "safety": ["{adult} worries about keeping everyone safe at home."],
                     "routines": ["There is no routine at home and everyone is tired."],
                     "learning": ["We are not sure {child} has enough chances to play and learn."]}
NEEDS_TO_HAPPEN_ALT = {"feelings": ["{adult} to get talking therapy."],
                       "learning": ["{child} to get help to play, talk and learn."],
                       "routines": ["A simple routine for mornings and bedtimes."]}
AGENCY_AGES = {"Health visiting": (0, 5), "School nurse": (5, 18), "Youth offending service": (10, 18),
               "CAMHS": (5, 18), "Educational psychology": (2, 18)}


class Story:
    """Makes each sentence fit the household it is about, using its own random generator."""

    def __init__(self, rng: random.Random, members: list[dict], expectant: bool,
                 esol: bool) -> None:
        self.rng = rng
        self.children = [m for m in members if m["relationship"] in ("Son", "Daughter")]
        self.expectant = expectant
        self.esol = esol
        self.grandparent_at_home = any(m["relationship"] in GRANDPARENTS for m in members)
        self.both_parents = {"Mum", "Dad"} <= {m["relationship"] for m in members}
        self.last_child: dict | None = None

    @staticmethod
    def age(child: dict, day: int) -> float:
        return (day - child["date_of_birth"]) / 365.25

    def has_child(self, lo: float, hi: float, days: tuple[int, ...]) -> bool:
        return any(all(lo <= self.age(c, d) < hi for d in days) for c in self.children)

    def _family_fits(self, text: str, days: tuple[int, ...]) -> bool:
        if PLURAL.search(text) and not all(
                sum(self.age(c, d) >= 0 for c in self.children) >= 2 for d in days):
            return False
        if EXPECTING.search(text) and not self.expectant:
            return False
        if ESOL.search(text) and not self.esol:
            return False
        if SEPARATED.search(text) and self.both_parents:
            return False
        return not (NAN_NEARBY.search(text) and self.grandparent_at_home)

    def resolve(self, texts: list[str], days: tuple[int, ...],
                prefer: dict | None = None) -> list[str] | None:
        """`texts` with {child} replaced by a child who fits them all, or None if none does."""
        joined = " ".join(texts).replace(SETTING, "SETTING")
        if not self._family_fits(joined, days):
            return None
        rules = [(lo, hi, ok) for pattern, lo, hi, ok in CHILD_RULES if pattern.search(joined)]
        self.last_child = None
        if "{child}" not in joined:
            if all(self.has_child(lo, hi, days) or (ok and self.expectant)
                   for lo, hi, ok in rules):
                return texts
            return None
        bands = [(lo, hi) for lo, hi, _ok in rules] + [(0, 18)]
        fitting = [c for c in self.children
                   if all(lo <= self.age(c, d) < hi for lo, hi in bands for d in days)]
        if not fitting:
            if not self.children and self.expectant and UNBORN_OK.search(joined) and not rules:
                return [t.replace("{child}", "the baby") for t in texts]
            return None
        child = prefer if prefer in fitting else self.rng.choice(fitting)
        self.last_child = child
        return [t.replace("{child}", first_name(child)) for t in texts]

    def fit(self, template: str, alternatives: list[str] | tuple[str, ...] = (), *,
            days: tuple[int, ...],
            prefer: dict | None = None, avoid: set[str] | frozenset[str] = frozenset(),
            fallback: str = "") -> str:
        """`template` naming a child who fits; else another of `alternatives` that fits (not in
        `avoid` if possible); else `fallback`."""
        done = self.resolve([template], days, prefer)
        if done is not None:
            return done[0]
        others = [a for a in dict.fromkeys(alternatives) if a != template]
        self.rng.shuffle(others)
        others.sort(key=lambda a: a in avoid)  # stable: fresh ones first, in shuffled order
        for other in others:
            done = self.resolve([other], days, prefer)
            if done is not None:
                return done[0]
        self.last_child = None
        done = self.resolve([fallback], days, prefer)
        return done[0] if done is not None else ""

    def goal(self, domain: str, text: str, actions: list, picked: list,
             days: tuple[int, ...]) -> tuple[str, list[tuple[str, str] | None]]:
        """The goal, or another of its domain that fits; one action (or None) per picked."""
        options = [(text, actions)] + [g for g in GOALS[domain] if g[0] != text]
        alternatives = options[1:] + GOALS_ALT.get(domain, [])
        self.rng.shuffle(alternatives)
        for goal_text, goal_actions in [options[0], *alternatives]:
            done = self.resolve([goal_text], days)
            if done is None:
                continue
            child = self.last_child
            chosen = picked if goal_text == text else self.rng.sample(
                goal_actions, min(len(picked), len(goal_actions)))
            spare = [a for a in goal_actions if a not in chosen]
            result: list[tuple[str, str] | None] = []
            for what, who in chosen:
                fitted = self.resolve([what, who], days, child)
                while fitted is None and spare:
                    what, who = spare.pop(self.rng.randrange(len(spare)))
                    fitted = self.resolve([what, who], days, child)
                result.append((fitted[0], fitted[1]) if fitted else None)
            if any(result):
                result += [None] * (len(picked) - len(result))
                return done[0], result
        return ("We agree the next steps together.",
                [("Talk it through at the next visit", "{worker} (family worker)")]
                + [None] * (len(picked) - 1))

    def agencies(self, chosen: list[int], day: int) -> list[int]:
        """Swap an agency that has no one of its age group here for one that has."""

        def suits(i: int) -> bool:
            band = AGENCY_AGES.get(AGENCIES[i][0])
            if band is None:
                return True
            return self.has_child(band[0], band[1], (day,)) or (
                band[0] == 0 and self.expectant)

        result = []
        for i in chosen:
            if not suits(i):
                spare = [j for j in range(len(AGENCIES))
                         if suits(j) and j not in chosen and j not in result]
                i = self.rng.choice(spare)
            result.append(i)
        return result


# --------------------------------------------------------------------------- helpers

class Filler:
    """Fills {adult}/{child}/{worker} and other placeholders for one family."""

    def __init__(self, rng: random.Random, adult: str, child: str, worker: str, family: str,
                 male_adult: bool = False):
        self.rng = rng
        self.male_adult = male_adult
        if family.startswith("The "):
            family = "the " + family[4:]
        elif family.endswith("household"):
            family = "the " + family
        self.values = {"adult": adult, "child": child, "worker": worker, "family": family}

    def __call__(self, text: str, **extra: str) -> str:
        values = dict(self.values, pct=str(self.rng.randint(72, 94)),
                      money=f"{self.rng.randrange(400, 3200, 10):,}", **extra)
        text = text.format(**values)
        if self.male_adult:
            text = re.sub(r"\bshe\b", "he", text)
            text = re.sub(r"\bher\b", "his", text)
        return text


def postcode(rng: random.Random, district: str) -> str:
    return f"{district} {rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"


def adult_dob(rng: random.Random, lo: int, hi: int) -> int:
    return -rng.randint(lo * YEAR + 20, hi * YEAR - 20)


def child_dob(rng: random.Random, lo: int, hi: int) -> int:
    return -rng.randint(max(lo * YEAR + 10, 40), hi * YEAR + YEAR - 40)


def setting_for(rng: random.Random, dob: int) -> str:
    age = -dob / 365.25
    if age < 2:
        return ""
    if age < 4:
        return rng.choice(NURSERIES)
    if age < 11:
        return rng.choice(PRIMARIES)
    if age < 16:
        return rng.choice(SECONDARIES)
    return rng.choice(COLLEGES)


def time_of_day(rng: random.Random, kind: str) -> str:
    if kind in ("phone", "text-email"):
        hour = rng.randint(9, 17)
    elif kind == "home-visit":
        hour = rng.choice([9, 10, 11, 13, 14, 15, 16, 17])
    else:
        hour = rng.choice([9, 10, 11, 13, 14])
    return f"{hour:02d}:{rng.choice(['00', '15', '30', '45', '00', '30'])}"


def weekday_offset(day: int) -> int:
    """Nudge a day offset off the weekend, assuming day 0 is a weekday (close enough)."""
    return day if day % 7 not in (5, 6) else day - (day % 7 - 4)


# --------------------------------------------------------------------------- builders

def make_members(rng: random.Random, heritage: str, expectant: bool,
                 used_surnames: set[str]) -> tuple[list[dict], str]:
    women, men, girls, boys, surnames = HERITAGES[heritage]
    fresh = [s for s in surnames if s not in used_surnames]
    surname = rng.choice(fresh or surnames)
    used_surnames.add(surname)
    members: list[dict] = []
    shape = rng.choices(["lone-mum", "two-parents", "stepfamily", "lone-dad", "grandparent"],
                        weights=[12, 8, 5, 2, 3])[0]
    household = f"The {surname} family"

    def add(name: str, relationship: str, dob: int | None, flags: list[str] | None = None,
            school: str = "") -> None:
        members.append({"key": f"p{len(members) + 1}", "name": name, "relationship": relationship,
                        "date_of_birth": dob, "school_setting": school, "flags": flags or []})

    if shape == "lone-dad":
        add(f"{rng.choice(men)} {surname}", "Dad", adult_dob(rng, 24, 52))
    else:
        add(f"{rng.choice(women)} {surname}", "Mum", adult_dob(rng, 19, 48),
            ["expectant-parent"] if expectant else [])
    if shape == "two-parents":
        add(f"{rng.choice(men)} {surname}", "Dad", adult_dob(rng, 21, 55))
    elif shape == "stepfamily":
        other = rng.choice([h for h in HERITAGES if h != heritage])
        other_fresh = [s for s in HERITAGES[other][4] if s not in used_surnames]
        other_surname = rng.choice(other_fresh or HERITAGES[other][4])
        used_surnames.add(other_surname)
        add(f"{rng.choice(HERITAGES[other][1])} {other_surname}",
            rng.choice(["Stepdad", "Partner", "Mum's partner"]), adult_dob(rng, 22, 50))
        household = f"{surname}–{other_surname} household"
    elif shape == "grandparent":
        add(f"{rng.choice(ELDERS[heritage])} {surname}", rng.choice(["Grandmother", "Nan"]),
            adult_dob(rng, 52, 70))

    max_children = 6 - len(members)
    n_children = rng.choices([1, 2, 3, 4], weights=[6, 8, 5, 2])[0]
    if expectant:
        n_children = rng.choice([0, 1, 1]) if len(members) > 1 else 1
    n_children = min(n_children, max_children)
    used: set[str] = {m["name"].split()[0] for m in members}
    for _ in range(n_children):
        girl = rng.random() < 0.5
        pool = [n for n in (girls if girl else boys) if n not in used]
        first = rng.choice(pool or (girls if girl else boys))
        used.add(first)
        dob = child_dob(rng, 0, 17)
        flags: list[str] = []
        age = -dob / 365.25
        if age >= 5 and rng.random() < 0.15:
            flags.append("special-educational-needs")
        if age >= 9 and rng.random() < 0.1:
            flags.append("young-carer")
        if age >= 12 and rng.random() < 0.12:
            flags.append("at-risk-of-exploitation")
        if rng.random() < 0.05:
            flags.append("child-in-need")
        child_surname = surname if shape != "stepfamily" or rng.random() < 0.6 else \
            members[1]["name"].split()[-1]
        add(f"{first} {child_surname}", "Daughter" if girl else "Son", dob, flags,
            setting_for(rng, dob))
    if len(members) < 2:  # never a household of one
        add(f"{rng.choice(ELDERS[heritage])} {surname}", "Nan", adult_dob(rng, 52, 70))
    adults = [m for m in members if m["relationship"] not in ("Son", "Daughter")]
    kids = sorted((m for m in members if m["relationship"] in ("Son", "Daughter")),
                  key=lambda m: m["date_of_birth"])
    members = adults + kids
    for i, member in enumerate(members):
        member["key"] = f"p{i + 1}"
    return members, household


def sort_children(members: list[dict]) -> list[dict]:
    children = [m for m in members if m["relationship"] in ("Son", "Daughter")]
    return sorted(children, key=lambda m: m["date_of_birth"])  # oldest first


def first_name(member: dict) -> str:
    return member["name"].split()[0]


def make_criteria(rng: random.Random, fill: Filler, referred_on: int, children: list[dict],
                  expectant: bool) -> list[str]:
    ages = [-c["date_of_birth"] / 365.25 for c in children]
    pool = list(CRITERIA)
    if not any(a < 5 for a in ages) and not expectant:
        pool.remove("early-years")
    if not any(a >= 5 for a in ages):
        pool.remove("education")
    n = rng.choices([1, 2, 3, 4, 5], weights=[1, 3, 8, 7, 4])[0]
    weights = {"education": 6, "early-years": 3, "health": 7, "relationships": 5,
               "financial-stability": 5, "housing": 4, "domestic-abuse": 3,
               "safe-from-abuse": 2, "crime": 2, "substance-use": 2}
    chosen: list[str] = []
    while len(chosen) < min(n, len(pool)):
        key = rng.choices(pool, weights=[weights[k] for k in pool])[0]
        if key not in chosen:
            chosen.append(key)
    return chosen


def scores_series(rng: random.Random, n: int, weak: set[str], trend: float) -> list[dict[str, int]]:
    """Scores per assessment: a per-domain path from a start towards a later level, plus noise."""
    base = {d: rng.randint(2, 4) if d in weak else rng.randint(4, 7) for d in DOMAINS}
    gain = {d: trend * (1.5 if d in weak else 0.8) + rng.uniform(-0.4, 0.4) for d in DOMAINS}
    series = []
    for i in range(n):
        scores = {}
        for d in DOMAINS:
            noise = rng.choice([-1, 0, 0, 0, 0, 1]) if i else 0
            scores[d] = max(1, min(10, round(base[d] + gain[d] * i + noise)))
        series.append(scores)
    return series


def make_family(rng: random.Random, index: int, plan: dict, used_surnames: set[str]) -> dict:
    heritage = rng.choices(list(HERITAGE_WEIGHTS), weights=list(HERITAGE_WEIGHTS.values()))[0]
    members, household = make_members(rng, heritage, plan["expectant"], used_surnames)
    children = sort_children(members)
    lead = members[0]
    worker_key = plan["worker"]
    worker = WORKER_SHORT[worker_key]
    worker_label = f"{worker} (family worker)"
    focus_child = children[0] if children else None
    child_name = first_name(focus_child) if focus_child else "the baby"
    adult_name = first_name(lead)
    male = lead["relationship"] == "Dad"
    fill = Filler(rng, adult_name, child_name, worker, household, male)
    # Fitting sentences to the household draws from its own generator: the main one draws
    # exactly what it always did, so families, dates and counts stay as they were.
    story = Story(random.Random(f"story-{index}"), members, plan["expectant"],
                  heritage not in FAMILIAR_ENGLISH)

    locality = rng.choice(list(LOCALITIES))
    address = f"{rng.randint(1, 140)} {rng.choice(STREETS)}, {locality}, Northfield"
    if rng.random() < 0.2:
        address = f"Flat {rng.randint(1, 24)}, " + address

    status = plan["status"]
    # ---- timeline
    if status == "referred":
        referred_on = -rng.randint(8, 30)
        opened_on = None
        end = 0
    else:
        referred_on = -rng.randint(plan["min_age"], plan["max_age"])
        opened_on = referred_on + rng.randint(5, 21)
        end = 0
    closed_on = None
    if status == "closed":
        closed_on = -rng.randint(5, 60)
        opened_on = min(opened_on, closed_on - 120)
        referred_on = min(referred_on, opened_on - 7)
        end = closed_on
    start = opened_on if opened_on is not None else referred_on + rng.randint(3, 6)
    consent = start + rng.randint(0, 3) if status != "referred" or rng.random() < 0.6 else None
    if consent is not None:
        consent = min(consent, -1)

    # ---- criteria
    keys = make_criteria(rng, fill, referred_on, children, plan["expectant"])
    criteria = []
    for key in keys:
        template = rng.choice(CRITERION_EVIDENCE[key])
        template = story.fit(template, CRITERION_EVIDENCE[key] + CRITERION_ALT.get(key, []),
                             days=(referred_on, referred_on + 10),
                             fallback="Identified at referral; see referral form.")
        criteria.append({"key": key, "evidence": fill(template),
                         "identified_on": referred_on + rng.randint(0, 10)})
    weak = {d for k in keys for d in CRITERION_TO_DOMAINS[k][:2]}

    # ---- agencies
    agencies = []
    n_agencies = rng.choices([0, 1, 2, 3], weights=[2, 5, 5, 3])[0]
    preferred = []
    if any(-c["date_of_birth"] < 5 * YEAR for c in children):
        preferred.append(0)
    if any(-c["date_of_birth"] >= 5 * YEAR for c in children):
        preferred.append(1)
    keymap = {"crime": 2, "housing": 3, "financial-stability": 4, "health": 7,
              "substance-use": 8, "domestic-abuse": 9, "safe-from-abuse": 6}
    preferred += [keymap[k] for k in keys if k in keymap]
    preferred += list(range(len(AGENCIES)))
    chosen_agencies: list[int] = []
    for i in preferred:
        if len(chosen_agencies) >= n_agencies:
            break
        if i not in chosen_agencies and rng.random() < 0.7:
            chosen_agencies.append(i)
    for i in story.agencies(chosen_agencies, end):
        name, role, contact = AGENCIES[i]
        from_date = referred_on - rng.randint(0, 200)
        to_date = None
        if rng.random() < 0.2 and end - from_date > 60:
            to_date = from_date + rng.randint(30, end - from_date)
        agencies.append({"agency": name, "role": role, "contact": contact,
                         "from_date": from_date, "to_date": to_date})

    # ---- stars: 12-weekly from the start
    star_days = [start + rng.randint(0, 4)]
    while len(star_days) < 4 and star_days[-1] + 84 <= end - 3:
        star_days.append(star_days[-1] + 84 + rng.randint(-4, 6))
    star_days = [min(d, -1) for d in star_days]
    trend = rng.choice([1.0, 1.0, 0.8, 0.6, 0.3, -0.1]) if status != "closed" else 1.1
    series = scores_series(rng, len(star_days), weak, trend)
    stars = []
    for day, scores in zip(star_days, series, strict=True):
        entry = {}
        for d in DOMAINS:
            score = scores[d]
            note = ""
            if rng.random() < 0.3:
                low, high = DOMAIN_NOTES[d]
                options = low if score <= 5 else high
                alt_low, alt_high = DOMAIN_NOTES_ALT.get(d, ([], []))
                note = fill(story.fit(rng.choice(options),
                                      options + (alt_low if score <= 5 else alt_high),
                                      days=(day,)))
            entry[d] = [score, note] if note else [score]
        stars.append({"assessed_on": day, "person": None, "completed_by": worker_key,
                      "scores": entry,
                      "family_words": fill(story.fit(rng.choice(STAR_FAMILY_WORDS),
                                                     STAR_FAMILY_WORDS + STAR_WORDS_ALT,
                                                     days=(day,)))
                      if rng.random() < 0.8 else ""})
    teen = next((c for c in children if 12 * YEAR <= -c["date_of_birth"] < 18 * YEAR), None)
    if teen and len(stars) < 4 and rng.random() < 0.35:
        day = min(star_days[-1] + rng.randint(1, 10), -1)
        own = scores_series(rng, 1, weak, 0)[0]
        stars.append({"assessed_on": day, "person": teen["key"], "completed_by": worker_key,
                      "scores": {d: [own[d]] for d in DOMAINS},
                      "family_words": f"{first_name(teen)}: \"I did this one on my own.\""})

    # ---- plans
    plans = []
    first_agreed = star_days[0] + rng.randint(5, 14)
    versions = 1
    if status != "referred" and end - first_agreed > 100:
        versions = 2
    latest_draft = status == "referred" or (versions == 2 and rng.random() < 0.2 and status != "closed")
    for v in range(1, versions + 1):
        is_latest = v == versions
        if v == 1:
            agreed_on = min(first_agreed, end - 1) if not (is_latest and latest_draft) else None
        else:
            agreed_on = None if latest_draft else max(first_agreed + 30, star_days[-1] + rng.randint(3, 10))
            if agreed_on is not None:
                agreed_on = min(agreed_on, end - 1)
        review_due = agreed_on + 84 if agreed_on is not None else None
        if is_latest and agreed_on is not None and status in ("open", "step-down"):
            if plan["review_overdue"]:
                review_due = -rng.randint(3, 30)
                agreed_on = min(agreed_on, review_due - 56)
                if v == 2:
                    agreed_on = max(agreed_on, plans[0]["agreed_on"] + 20)
                    review_due = max(review_due, agreed_on)
            elif review_due < 1:
                review_due = rng.randint(5, 60)
                agreed_on = min(agreed_on, -1)
        scores_at = series[min(v - 1, len(series) - 1)] if v == 1 else series[-1]
        ranked = sorted(DOMAINS, key=lambda d: (scores_at[d], rng.random()))
        n_goals = rng.randint(2, 4)
        goal_domains = ranked[:n_goals]
        goals = []
        plan_days = (agreed_on if agreed_on is not None else -1,)
        for d in goal_domains:
            text, actions = rng.choice(GOALS[d])
            k = rng.randint(1, min(3, len(actions)))
            picked = rng.sample(actions, k)
            text, fitted = story.goal(d, text, actions, picked, plan_days)
            acts = []
            base_day = agreed_on if agreed_on is not None else -rng.randint(1, 5)
            for (what, who), fit in zip(picked, fitted, strict=True):
                what, who = fit or (what, who)
                by_when = base_day + rng.choice([7, 14, 21, 28, 42, 56]) if rng.random() < 0.85 else None
                if not is_latest:
                    st = rng.choices(["done", "dropped", "in-progress"], weights=[7, 1, 1])[0]
                elif agreed_on is None:
                    st = "not-started"
                elif status == "closed":
                    st = rng.choices(["done", "dropped"], weights=[8, 1])[0]
                elif by_when is not None and by_when < 0:
                    st = rng.choices(["done", "in-progress", "not-started", "dropped"],
                                     weights=[6, 3, 1, 1])[0]
                else:
                    st = rng.choice(["not-started", "in-progress", "in-progress"])
                who_text = fill(who).strip() or worker_label
                act = {"what": fill(what), "who": who_text, "by_when": by_when, "status": st}
                if fit:
                    acts.append(act)
            goals.append({"text": fill(text), "star_domain": d, "actions": acts})

        def fitted_texts(texts: dict[str, str], alternatives: dict[str, list[str]],
                         domains: list[str], days: tuple[int, ...]) -> str:
            parts = [story.fit(texts[d], alternatives.get(d, []), days=days)
                     for d in domains]
            return " ".join(p for p in parts if p)

        working = fitted_texts(WORKING_WELL, WORKING_WELL_ALT, ranked[::-1][:2], plan_days)
        worried = fitted_texts(WORRIED_ABOUT, WORRIED_ABOUT_ALT, goal_domains[:2], plan_days)
        needs = fitted_texts(NEEDS_TO_HAPPEN, NEEDS_TO_HAPPEN_ALT, goal_domains[:3], plan_days)
        plans.append({"version": v, "status": "draft" if agreed_on is None else "agreed",
                      "working_well": fill(working),
                      "worried_about": fill(worried),
                      "needs_to_happen": fill(needs),
                      "family_words": fill(story.fit(rng.choice(PLAN_FAMILY_WORDS),
                                                     PLAN_FAMILY_WORDS + PLAN_WORDS_ALT,
                                                     days=plan_days)),
                      "agreed_on": agreed_on, "review_due": review_due, "goals": goals})

    # ---- notes
    if status == "referred":
        n_notes = rng.randint(3, 5)
    else:
        n_notes = max(3, min(12, (end - start) // 18 + rng.randint(1, 3)))
    if status in ("open", "step-down"):
        last_day = -rng.randint(18, 45) if plan["visit_overdue"] else -rng.randint(1, 9)
    elif status == "referred":
        last_day = -rng.randint(1, 6)
    else:
        last_day = end - rng.randint(0, 5)
    first_day = referred_on + rng.randint(1, 4)
    last_day = max(last_day, first_day + n_notes)
    days = sorted(rng.sample(range(first_day + 1, last_day), n_notes - 2)) if n_notes > 2 else []
    days = [min(d, -1) for d in [first_day, *days, last_day]]
    topics = sorted(weak) or ["routines"]
    used_sentences: set[str] = set()
    notes = []
    others = [w for w in ("w1", "w2", "w3") if w != worker_key]

    def pick(pool: list[str]) -> str:
        fresh = [s for s in pool if s not in used_sentences]
        choice = rng.choice(fresh or pool)
        used_sentences.add(choice)
        return choice

    for i, day in enumerate(days):
        if i == 0:
            kind = "phone"
        elif i == 1 and status != "referred":
            kind = "home-visit"
        elif i == len(days) - 1 and status in ("open", "step-down") and not plan["visit_overdue"]:
            kind = rng.choice(["home-visit", "home-visit", "school", "office"])
        else:
            kind = rng.choice(NOTE_KINDS)
        day = weekday_offset(day)
        if i and day <= notes[-1]["occurred_at"][0]:
            day = notes[-1]["occurred_at"][0] + (1 if day < -1 else 0)
        day = min(day, -1 if status != "closed" else end)
        author = worker_key if rng.random() < 0.9 or kind == "phone" else rng.choice(others)
        author_label = f"{WORKER_SHORT[author]} (family worker)"
        child = rng.choice(children) if children else None
        cf = Filler(rng, adult_name, first_name(child) if child else child_name, worker,
                    household, male)
        when = (day,)
        told: set[str] = set()  # what the story put in this note instead of the main draw
        opener_child: dict | None = None

        def fitted(template: str, alternatives: list[str], days: tuple[int, ...],
                   about: dict | None, told: set[str], fallback: str = "") -> str:
            text = story.fit(template, alternatives, days=days, prefer=about,
                             avoid=used_sentences | told, fallback=fallback)
            told.add(text)
            return text

        # A school visit needs a child at school or nursery; with only a baby it was a home visit.
        shown_kind = kind
        if kind == "school" and not story.has_child(2, 18, when):
            shown_kind = "home-visit"
        if i == 0:
            opener = rng.choice(["Rang {adult} about the referral from {source}.",
                                 "First call to {adult} after the referral from {source}."])
            source = rng.choice(["school", "the health visitor", "the police", "housing",
                                 "the GP", "the Early Help front door"])
            openers = [opener.replace("{source}", s)
                       for s in ("school", "the health visitor", "the police", "housing",
                                 "the GP", "the Early Help front door")]
            sentences = [cf(fitted(opener.replace("{source}", source), openers, when, child, told), source=source)]
            picked = sorted(rng.sample(range(len(INTRO_SENTENCES)), rng.randint(2, 3)))
            sentences += [cf(fitted(INTRO_SENTENCES[k], INTRO_SENTENCES + INTRO_ALT, when, child, told))
                          for k in picked]
        else:
            first = pick(OPENERS[kind])
            if shown_kind != kind:
                first = story.rng.choice(OPENERS[shown_kind])
            sentences = [cf(fitted(first, OPENERS[shown_kind] + OPENERS_ALT.get(shown_kind, []),
                                   when, child, told, fallback="Visit as agreed."))]
            opener_child = story.last_child
        n_body = 0 if i == 0 else rng.randint(1, 2) if kind in ("phone", "text-email") \
            else rng.randint(2, 4)
        body_pool: list[str] = []
        for t in rng.sample(topics, min(len(topics), 2)):
            body_pool += TOPIC_SENTENCES[t]
        if kind == "multi-agency-meeting":
            body_pool += MEETING_SENTENCES * 2
        if kind in ("home-visit", "school") and child:
            body_pool += VOICE_OF_CHILD
        if kind != "home-visit":  # only a home visit sees the home itself
            body_pool = [s for s in body_pool if not any(m in s for m in IN_PERSON_MARKERS)]
        alternatives = body_pool + [s for t in topics for s in TOPIC_ALT.get(t, [])]
        if kind in ("home-visit", "school") and children:
            alternatives += VOICE_ALT
        if shown_kind != "home-visit":
            alternatives = [s for s in alternatives
                            if not any(m in s for m in IN_PERSON_MARKERS)]
        for _ in range(n_body):
            sentences.append(cf(fitted(pick(body_pool), alternatives, when, child, told)))
        if i and rng.random() < 0.7:
            sentences.append(cf(fitted(pick(CLOSERS), CLOSERS + CLOSERS_ALT, when, child, told)))
        narrative = " ".join(dict.fromkeys(s for s in sentences[:6] if s))
        present = []
        if kind in ("home-visit", "office", "school", "multi-agency-meeting"):
            present.append(f"{adult_name} ({lead['relationship']})")
            for m in members[1:]:
                if kind != "school" and rng.random() < 0.35:
                    present.append(f"{first_name(m)} ({m['relationship']})")
            if child and kind == "school" and f"{first_name(child)} ({child['relationship']})" not in present:
                present.append(f"{first_name(child)} ({child['relationship']})")
        else:
            present.append(f"{adult_name} ({lead['relationship']})")
        if kind == "school":  # the child the school visit was about, if any
            seen = opener_child if shown_kind == "school" else None
            present = [p for p in present if p.split(" (")[0] not in
                       {first_name(c) for c in children}]
            if seen is not None:
                present.append(f"{first_name(seen)} ({seen['relationship']})")
        born = {first_name(m) for m in members if m["date_of_birth"] is None or m["date_of_birth"] <= day}
        present = [p for p in present if p.split(" (")[0] in born]
        present.append(author_label)
        note_agencies = []
        setting = "School" if story.has_child(4, 18, when) else \
            "Nursery" if story.has_child(2, 5, when) else None
        if kind == "school" and shown_kind == "school":
            note_agencies.append("Nursery" if "nursery" in sentences[0] else "School")
        if kind == "multi-agency-meeting":
            note_agencies = ([setting] if setting else []) + [a["agency"] for a in agencies]
        elif agencies and rng.random() < 0.2:
            note_agencies.append(rng.choice(agencies)["agency"])
        lo, hi = DURATIONS[kind]
        is_last = i == len(days) - 1
        draft = is_last and status != "closed" and rng.random() < 0.25
        note = {"kind": shown_kind, "occurred_at": [day, time_of_day(rng, kind)],
                "present": present, "agencies": note_agencies, "narrative": narrative,
                "duration_minutes": rng.randrange(lo, hi + 1, 5),
                "follow_ups": cf(fitted(rng.choice(FOLLOW_UPS), FOLLOW_UPS + FOLLOW_UPS_ALT, when, child,
                                            told)),
                "author": author,
                "status": "draft" if draft else "final", "addenda": []}
        if not draft and day < -2 and rng.random() < 0.1:
            at = min(day + rng.randint(1, 5), -1)
            text = fitted(rng.choice(ADDENDA), ADDENDA + ADDENDA_ALT, (at,), child, told,
                          fallback="Addition: nothing further.")
            note["addenda"].append({"text": cf(text),
                                    "written_at": [at, time_of_day(rng, "office")],
                                    "author": author})
        notes.append(note)

    # ---- outcomes
    outcomes = []
    if status != "referred":
        improved = [k for k in keys
                    if any(series[-1][d] - series[0][d] >= 2 for d in CRITERION_TO_DOMAINS[k])]
        n_out = len(improved) if status == "closed" else min(len(improved), rng.choice([0, 0, 1, 2]))
        for k in improved[:n_out]:
            text = OUTCOME_EVIDENCE[k]
            if "{child}" in text and not children:
                continue
            achieved_on = min(end - rng.randint(1, 40), -1)
            text = story.fit(text, [OUTCOME_ALT.get(k, "")], days=(achieved_on,),
                             fallback="Evidence checked and recorded by the lead worker.")
            outcomes.append({"criterion": k, "achieved_on": achieved_on, "evidence": fill(text)})

    if status in ("open", "step-down"):
        gap = 14 if status == "open" else 28
        next_visit_due = notes[-1]["occurred_at"][0] + gap if plan["visit_overdue"] \
            else rng.randint(1, gap // 2 + 2)
    elif status == "referred":
        next_visit_due = rng.randint(1, 7)
    else:
        next_visit_due = None

    return {
        "reference": f"FAM-{index:04d}", "household_name": household, "address": address,
        "postcode": postcode(rng, LOCALITIES[locality]), "locality": locality,
        "lead_worker": worker_key, "status": status,
        "closure_reason": plan.get("closure_reason"), "referred_on": referred_on,
        "opened_on": opened_on, "closed_on": closed_on, "consent_given_on": consent,
        "next_visit_due": next_visit_due, "criteria": criteria, "members": members,
        "agencies": agencies, "stars": stars, "plans": plans, "notes": notes,
        "outcomes": outcomes,
    }


def family_plans(rng: random.Random) -> list[dict]:
    """What each of the families is like: worker, status and which facts are overdue."""
    statuses = (["open"] * 25 + ["referred"] * 4 + ["step-down"] * 4 + ["closed"] * 3)
    rng.shuffle(statuses)
    workers = ["w1"] * 26 + ["w2"] * 5 + ["w3"] * 5
    rng.shuffle(workers)
    reasons = iter(["outcomes-achieved", "moved-out-of-area", "stepped-down-to-universal-services"])
    open_like = [i for i, s in enumerate(statuses) if s in ("open", "step-down")]
    visit_overdue = set(rng.sample([i for i, s in enumerate(statuses) if s == "open"], 5))
    review_overdue = set(rng.sample(open_like, 4))
    expectant = set(rng.sample([i for i, s in enumerate(statuses) if s != "closed"], 2))
    plans = []
    for i, status in enumerate(statuses):
        span = rng.choice([(60, 140), (140, 300), (300, 420)])
        plans.append({"status": status, "worker": workers[i],
                      "closure_reason": next(reasons) if status == "closed" else None,
                      "visit_overdue": i in visit_overdue, "review_overdue": i in review_overdue,
                      "expectant": i in expectant, "min_age": span[0], "max_age": span[1]})
    return plans


def make_caseload(seed: int) -> dict:
    rng = random.Random(seed)
    used_surnames: set[str] = set()
    families = [make_family(rng, i + 1, plan, used_surnames)
                for i, plan in enumerate(family_plans(rng))]
    add_casework_week(families)
    return {"format": 1, "team": TEAM, "workers": WORKERS, "families": families}


# --------------------------------------------------------------------------- the casework week

# Added after the story is drawn, from the family's index only (no random draws), so the
# families, notes and stars above stay exactly as they were.
SAFETY = {
    2: "Large dog (Staffie) in the back room: ask for it to be shut away before going in.",
    5: "Do not visit alone: ex-partner has been seen at the address. Ring before every visit.",
    12: "Ring before visiting: Mum works nights and sleeps until 1 pm.",
    17: "Second-floor flat, no lift. Parking is on the street behind, not the estate car park.",
    23: "Smoke in the flat: take a mask if you need one. Dad asks that shoes come off.",
}
LANGUAGES = {2: ("Polish", False), 9: ("Bengali", True), 15: ("Romanian", True),
             20: ("Urdu", False)}
LEAD_PROFESSIONALS = {
    4: {"name": "Sam Whitfield", "agency": "Brindle Heath School (pastoral lead)",
        "contact": "01632 960 114"},
    14: {"name": "Priya Raman", "agency": "Health visiting team", "contact": "01632 960 227"},
}
STEPPED_DOWN_TO = ("School pastoral team", "Children's centre family support",
                   "GP and school nurse", "Youth service")
VISIT_TIMES = ("09:30", "10:00", "11:15", "13:30", "14:00", "15:45")
TASKS = (
    ("Ring housing about the repair to the bedroom window", -3),
    ("Send the school the consent form for the nurture group", 1),
    ("Book the food bank voucher for Friday", 2),
    ("Chase the CAMHS referral", 4),
    ("Take the bus pass application to the next visit", 6),
)
CHILD_WORDS = (
    "I like it better now Mum walks me to school.",
    "When they shout I go in my room and put my music on.",
    "I want to go to football club on Saturdays.",
    "I don't like it when I'm the last one picked up.",
)


def add_casework_week(families: list[dict]) -> None:
    for index, family in enumerate(families, start=1):
        if index in SAFETY:
            family["safety_information"] = SAFETY[index]
        if index in LANGUAGES:
            language, interpreter = LANGUAGES[index]
            family["preferred_language"] = language
            family["interpreter_needed"] = interpreter
        adults = [m for m in family["members"] if m["date_of_birth"] < -18 * YEAR]
        if adults:
            family["phone"] = f"07700 900{index * 17 % 1000:03d}"
        if index in LEAD_PROFESSIONALS:
            family["lead_professional"] = LEAD_PROFESSIONALS[index]
        if family["status"] == "step-down":
            family["stepped_down_to"] = STEPPED_DOWN_TO[index % len(STEPPED_DOWN_TO)]
        # A booked visit in the coming week for most open cases: My week has a week in it.
        if family["status"] == "open" and index % 3 != 0:
            day = weekday_offset(1 + index % 7)
            family["next_visit_at"] = [max(day, 1), VISIT_TIMES[index % len(VISIT_TIMES)]]
            family["next_visit_where"] = "At home" if index % 4 else "Children's centre"
            family["next_visit_due"] = max(day, 1)
        if family["status"] in ("open", "step-down") and index % 4 == 1:
            text, due = TASKS[index % len(TASKS)]
            family["tasks"] = [{"text": text, "due_on": due}]
            if index % 8 == 1:
                family["tasks"].append({"text": "Update the chronology after the core group",
                                        "due_on": -10, "done_on": -9})
        children = [m for m in family["members"]
                    if -16 * YEAR < m["date_of_birth"] < -6 * YEAR]
        for number, note in enumerate(family["notes"]):
            if note["kind"] == "home-visit" and children:
                note["child_seen"] = "seen-alone" if number % 3 == 0 else "seen"
                if number % 3 == 0 and note.get("status", "final") == "final":
                    note["child_voice"] = CHILD_WORDS[(index + number) % len(CHILD_WORDS)]
        # One attempted visit nobody answered, for a few open cases: it is recorded, and it
        # does not count as contact.
        if family["status"] == "open" and index % 5 == 2 and 0 < len(family["notes"]) < 12:
            last = max(n["occurred_at"][0] for n in family["notes"])
            if last < -1:
                family["notes"].append({
                    "kind": "home-visit", "occurred_at": [last + 1, "10:00"], "present": [],
                    "agencies": [], "narrative": "Called at 10 am as arranged. No answer; left "
                    "a card with my number and texted to rebook.",
                    "duration_minutes": 15, "follow_ups": "", "author":
                    family["lead_worker"], "status": "final", "addenda": [],
                    "outcome": "no-answer"})


# --------------------------------------------------------------------------- cohort CSV

COHORT = [
    ("COH-0101", "The Brennan family", "NF2 4LT", "7 Kestrel Way, Larchfield, Northfield",
     "Larchfield", ["education", "health", "financial-stability"],
     [("Róisín Brennan", "Mum", "1991-03-14"), ("Cian Brennan", "Son", "2013-09-02"),
      ("Aoibhinn Brennan", "Daughter", "2018-01-27")]),
    ("COH-0102", "Wiśniewski–Ahmed household", "NF5 1RW", "Flat 3, 22 Wharf Terrace, Riverside, Northfield",
     "Riverside", ["housing", "relationships", "education", "domestic-abuse"],
     [("Ewelina Wiśniewska", "Mum", "1988-11-05"), ("Faisal Ahmed", "Stepdad", "1985-06-19"),
      ("Oliwia Wiśniewska", "Daughter", "2011-04-08"), ("Yahya Ahmed", "Son", "2020-12-01")]),
    ("COH-0103", "The Okonkwo family", "NF3 7DP", "41 Prospect Avenue, Holmewood, Northfield",
     "Holmewood", ["early-years", "financial-stability", "health"],
     [("Chiamaka Okonkwo", "Mum", "1997-02-21"), ("Somto Okonkwo", "Son", "2022-05-30")]),
    ("COH-0104", "The Nuñez family", "NF4 2QT", "14 Larchfield Road, Castlegate, Northfield",
     "Castlegate", ["crime", "education", "substance-use"],
     [("Inés Nuñez", "Mum", "1983-08-09"), ("Andrés Nuñez", "Dad", ""),
      ("Mateo Nuñez", "Son", "2010-10-17")]),
    ("COH-0105", "The O'Sullivan family", "NF6 3HB", "2 Gorse Bank, Thornley Moor, Northfield",
     "Thornley Moor", ["health", "relationships", "safe-from-abuse"],
     [("Dervla O'Sullivan", "Grandmother", "1962-07-03"), ("Kieran O'Sullivan", "Grandson", "2010-03-22"),
      ("Méabh O'Sullivan", "Granddaughter", "2012-12-12")]),
    ("COH-0106", "The Aydın family", "NF1 9ZA", "88 Cobden Street, Northfield Central, Northfield",
     "Northfield Central", ["education", "housing", "financial-stability"],
     [("Gülay Aydın", "Mum", "1990-01-30"), ("Ömer Aydın", "Dad", "1987-09-11"),
      ("Elif Aydın", "Daughter", "2014-06-06"), ("Arda Aydın", "Son", "2016-02-15"),
      ("Ela Aydın", "Daughter", "")]),
    ("COH-0107", "The Pickersgill family", "NF7 5NE", "19 Brindle Street, Brindle Heath, Northfield",
     "Brindle Heath", ["domestic-abuse", "health", "early-years"],
     [("Zoë Pickersgill", "Mum", "2001-04-25"), ("Frankie Pickersgill", "Daughter", "2023-03-03")]),
    ("COH-0108", "Mensah–Doyle household", "NF2 8SX", "5 Rowan Court, Larchfield, Northfield",
     "Larchfield", ["education", "relationships", "crime"],
     [("Abena Mensah", "Mum", "1986-12-19"), ("Gary Doyle", "Partner", "1980-05-07"),
      ("Kojo Mensah", "Son", "2011-08-28"), ("Esi Mensah-Doyle", "Daughter", "2015-11-11")]),
]


def write_cohort(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reference", "household_name", "postcode", "address", "locality",
                         "criteria", "members"])
        for ref, name, pc, address, locality, criteria, members in COHORT:
            writer.writerow([ref, name, pc, address, locality, ";".join(criteria),
                             ";".join(f"{n}|{r}|{d}" for n, r, d in members)])


# --------------------------------------------------------------------------- checks

def self_check(caseload: dict) -> list[str]:
    """Plain checks on the generated data, and the domain model's own rules if importable."""
    problems: list[str] = []
    refs = [f["reference"] for f in caseload["families"]]
    if len(set(refs)) != len(refs):
        problems.append("duplicate references")
    for fam in caseload["families"]:
        ref = fam["reference"]
        if fam["status"] == "closed" and not (fam["closure_reason"] and fam["closed_on"] is not None):
            problems.append(f"{ref}: closed without reason/date")
        if fam["opened_on"] is not None and fam["closed_on"] is not None \
                and fam["closed_on"] < fam["opened_on"]:
            problems.append(f"{ref}: closed before opened")
        if not 2 <= len(fam["members"]) <= 6:
            problems.append(f"{ref}: {len(fam['members'])} members")
        if not 3 <= len(fam["notes"]) <= 12:
            problems.append(f"{ref}: {len(fam['notes'])} notes")
        if not 1 <= len(fam["stars"]) <= 4:
            problems.append(f"{ref}: {len(fam['stars'])} stars")
        for star in fam["stars"]:
            if set(star["scores"]) != set(DOMAINS):
                problems.append(f"{ref}: star domains")
            if star["assessed_on"] > 0:
                problems.append(f"{ref}: star in the future")
        versions = [p["version"] for p in fam["plans"]]
        if versions != list(range(1, len(versions) + 1)):
            problems.append(f"{ref}: plan versions {versions}")
        drafts = [p for p in fam["plans"] if p["status"] == "draft"]
        if len(drafts) > 1 or (drafts and drafts[0] is not fam["plans"][-1]):
            problems.append(f"{ref}: draft plan not the latest")
        for p in fam["plans"]:
            if p["status"] == "agreed" and (p["agreed_on"] is None or p["review_due"] < p["agreed_on"]):
                problems.append(f"{ref}: plan dates")
            if p["agreed_on"] is not None and p["agreed_on"] > 0:
                problems.append(f"{ref}: plan agreed in the future")
            if not 2 <= len(p["goals"]) <= 4:
                problems.append(f"{ref}: goals")
            for g in p["goals"]:
                if not 1 <= len(g["actions"]) <= 3 or any(not a["who"].strip() for a in g["actions"]):
                    problems.append(f"{ref}: actions")
        for n in fam["notes"]:
            if n["occurred_at"][0] > 0:
                problems.append(f"{ref}: note in the future")
        for m in fam["members"]:
            dob = m["date_of_birth"]
            if dob is None:
                continue
            age = -dob / 365.25
            if m["relationship"] in ("Son", "Daughter") and not 0 <= age < 18:
                problems.append(f"{ref}: child age {age:.1f}")
            if m["relationship"] not in ("Son", "Daughter") and not 19 <= age <= 70:
                problems.append(f"{ref}: adult age {age:.1f}")
    problems += domain_check(caseload)
    return problems


def domain_check(caseload: dict) -> list[str]:
    try:
        sys.path.insert(0, str(ROOT / "src"))
        from datetime import date, datetime, timedelta

        from familyworker.domain.contact import ContactNote, NoteKind, NoteStatus
        from familyworker.domain.errors import ValidationError
        from familyworker.domain.family import ClosureReason, Consent, Family, FamilyStatus
        from familyworker.domain.person import Person, PersonFlag
        from familyworker.domain.plan import Action, ActionStatus, Goal, Plan, PlanStatus
        from familyworker.domain.star import StarScore, StarTemplate, WebStarAssessment
    except ImportError:
        return []
    today = date.today()

    def d(offset: int | None) -> date | None:
        return None if offset is None else today + timedelta(days=offset)

    def dt(value: list) -> datetime:
        hh, mm = map(int, value[1].split(":"))
        return datetime.combine(d(value[0]), datetime.min.time()).replace(hour=hh, minute=mm)

    template = StarTemplate.from_dict(json.loads(TEMPLATE_PATH.read_text(encoding="utf-8")))
    problems = []
    for fam in caseload["families"]:
        ref = fam["reference"]
        try:
            Family(id=ref, reference=ref, household_name=fam["household_name"],
                   postcode=fam["postcode"], address=fam["address"], locality=fam["locality"],
                   lead_worker_id=fam["lead_worker"], status=FamilyStatus(fam["status"]),
                   closure_reason=ClosureReason(fam["closure_reason"]) if fam["closure_reason"] else None,
                   referred_on=d(fam["referred_on"]), opened_on=d(fam["opened_on"]),
                   closed_on=d(fam["closed_on"]),
                   consent=Consent(d(fam["consent_given_on"])) if fam["consent_given_on"] is not None else None,
                   next_visit_due=d(fam["next_visit_due"]),
                   criteria=tuple(c["key"] for c in fam["criteria"]))
            for m in fam["members"]:
                Person(id=m["key"], family_id=ref, name=m["name"], relationship=m["relationship"],
                       date_of_birth=d(m["date_of_birth"]), school_setting=m["school_setting"],
                       flags=tuple(PersonFlag(f) for f in m["flags"]))
            for i, s in enumerate(fam["stars"]):
                WebStarAssessment(
                    id=f"{ref}-s{i}", family_id=ref, assessed_on=d(s["assessed_on"]),
                    template_key=template.key, template_version=template.version,
                    scores=tuple(StarScore(k, v[0], v[1] if len(v) > 1 else "")
                                 for k, v in s["scores"].items()),
                    person_id=s["person"]).validate_against(template)
            for p in fam["plans"]:
                Plan(id=f"{ref}-v{p['version']}", family_id=ref, version=p["version"],
                     status=PlanStatus(p["status"]), working_well=p["working_well"],
                     worried_about=p["worried_about"], needs_to_happen=p["needs_to_happen"],
                     family_words=p["family_words"], agreed_on=d(p["agreed_on"]),
                     review_due=d(p["review_due"]),
                     goals=tuple(Goal(id="g", text=g["text"], star_domain_key=g["star_domain"],
                                      actions=tuple(Action(id="a", what=a["what"], who=a["who"],
                                                           by_when=d(a["by_when"]),
                                                           status=ActionStatus(a["status"]))
                                                    for a in g["actions"]))
                                 for g in p["goals"]))
            for n in fam["notes"]:
                final = n["status"] == "final"
                ContactNote(id="n", family_id=ref, kind=NoteKind(n["kind"]),
                            occurred_at=dt(n["occurred_at"]), narrative=n["narrative"],
                            present=tuple(n["present"]), agencies=tuple(n["agencies"]),
                            duration_minutes=n["duration_minutes"], follow_ups=n["follow_ups"],
                            author_id=n["author"], status=NoteStatus(n["status"]),
                            finalised_at=dt(n["occurred_at"]) if final else None)
        except (ValidationError, ValueError, KeyError) as error:
            problems.append(f"{ref}: {error}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--cohort", type=Path, default=DEFAULT_COHORT)
    args = parser.parse_args(argv)

    caseload = make_caseload(args.seed)
    problems = self_check(caseload)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        json.dump(caseload, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    write_cohort(args.cohort)
    families = caseload["families"]
    print(f"{len(families)} families, {sum(len(f['notes']) for f in families)} notes, "
          f"{sum(len(f['stars']) for f in families)} star assessments -> {args.out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
