"""How the offline risk rules generalise beyond the templated development file.

`data/escalation_holdout.jsonl` holds hand-written messages from several domains (telecom,
SaaS, banking, utilities, airlines, e-commerce) in many registers, with hard negatives: routine
uses of risky words, negations, indirect churn and indirect requests for a person. The rules
were tuned against it, so it guards against regressions rather than proving generalisation.

`UNSEEN` was written after an earlier round of tuning; its misses then guided the next round
(numbers as digits or words, masked swearing, verb families, money-loss framings, praise-context
swearing, hypothetical refund questions), so it is now a regression set too.

`UNSEEN2` was written before that round and scored only in aggregate while the rules changed:
it is the honest check of how the rules hold on phrasings nobody fitted them to. Its bar sits
lower on purpose. Do not tune the rules on its individual messages; write a fresh set instead.

`UNSEEN3` was written before the precision round (routine uses of risky words) and scored only
before and after it; the round was guided by the older sets and by separate probe messages
(see the mechanism tests in test_risk.py). The same rule holds: do not tune on its messages.

`UNSEEN4` was written before the round on lasting outages, plain dissatisfaction, person-versus-
bot requests, named rivals, reported speech and feelings at home, and scored once before and once
after it; the round was guided by the known misses of UNSEEN2/UNSEEN3 and by separate probe
messages (test_risk.py). Do not tune on its messages either.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import OURS, Counts, LabelledMessage, evaluate, load_labelled
from bot.policy import load_policy
from bot.risk import RiskScorer

HOLDOUT = Path(__file__).parent / "data" / "escalation_holdout.jsonl"

# Reached: clear-tier recall 98.8 %, routine escalated 0.0 % (clear) / 1.4 % (all).
CLEAR_RECALL_MIN = 0.90
ROUTINE_ESCALATED_MAX = 0.05
# Reached on UNSEEN: recall 60 % (12/20) and 5 % routine escalated when written; 100 % and
# 0 % after the round its misses guided.
UNSEEN_RECALL_MIN = 0.90
UNSEEN_ROUTINE_ESCALATED_MAX = 0.10
# Reached on UNSEEN2: before the mechanism round recall 60 % (18/30) with 23 % routine
# escalated (7/30); after it 77 % (23/30) with 20 % (6/30).
UNSEEN2_RECALL_MIN = 0.70
UNSEEN2_ROUTINE_ESCALATED_MAX = 0.25
# Reached on UNSEEN3: before the precision round recall 75 % (15/20) with 16.7 % routine
# escalated (10/60); after it 75 % (15/20) with 6.7 % (4/60).
UNSEEN3_RECALL_MIN = 0.70
UNSEEN3_ROUTINE_ESCALATED_MAX = 0.10
# After the round of UNSEEN4: UNSEEN3 100 % (20/20) with 3.3 % (2/60), UNSEEN2 unchanged at
# 77 % with 20 %. That round took UNSEEN3's five misses and two of UNSEEN2's false alarms as
# known examples, so neither set measures it any more.
# Reached on UNSEEN4: before that round recall 63 % (19/30) with 4 % routine escalated (2/50);
# after it 70 % (21/30) with 4 % (2/50).
UNSEEN4_RECALL_MIN = 0.65
UNSEEN4_ROUTINE_ESCALATED_MAX = 0.08

# text, needs_human, reason -- written after an earlier round; later rounds were guided by it.
UNSEEN: list[tuple[str, bool, str]] = [
    (
        "We'd like to give you 30 days' notice that we're ending our service agreement.",
        True,
        "churn",
    ),
    (
        "I've found the same package for half the price with Octopus, so unless you can do "
        "something I'm switching",
        True,
        "churn",
    ),
    ("how do I permanently deactivate my profile and stop all emails", True, "churn"),
    ("Our board voted to move all banking to a different provider next quarter.", True, "churn"),
    ("Please can a real member of staff call me back about my claim", True, "human_request"),
    (
        "I keep getting the same canned answers. Can I talk to whoever is in charge?",
        True,
        "human_request",
    ),
    ("Transfer me to the retentions team please", True, "human_request"),
    (
        "There's a £250 'early upgrade fee' on my account that I was told would be waived.",
        True,
        "billing_dispute",
    ),
    ("Got charged 3 times for the same taxi ride through your app", True, "billing_dispute"),
    (
        "my salary went in but the app says I've got £0, where has my money gone??",
        True,
        "billing_dispute",
    ),
    (
        "I want the £60 late fee refunded, the payment was late because your website was down",
        True,
        "billing_dispute",
    ),
    (
        "Nobody has responded to my emails in 3 weeks. This level of service is not acceptable.",
        True,
        "complaint",
    ),
    (
        "I'd like to make a formal complaint about how my flight cancellation was handled.",
        True,
        "complaint",
    ),
    ("Honestly you are the most useless company I have ever dealt with", True, "anger"),
    ("for f***'s sake just fix the internet", True, "anger"),
    ("If this isn't resolved I will be taking it up with the Financial Ombudsman.", True, "legal"),
    (
        "You've shared my phone number with a third party without consent, that's a data "
        "protection violation.",
        True,
        "legal",
    ),
    (
        "I received a parcel I never ordered and now there's a payment for it on my card",
        True,
        "other",
    ),
    ("My grandson used my account details to take out credit without asking me", True, "other"),
    ("please block my card, I think someone copied it at a petrol station", True, "other"),
    ("How do I change the PIN on my new card?", False, "none"),
    ("Do you offer a 12-month SIM only contract?", False, "none"),
    ("What is the baggage fee for a second checked bag?", False, "none"),
    ("Can I set a spending limit on my daughter's card?", False, "none"),
    ("the wifi drops when I use the microwave, is that normal?", False, "none"),
    ("How do I add a colleague as an admin on our workspace?", False, "none"),
    ("can I cancel a transfer I scheduled for next week", False, "none"),
    ("What's the difference between the fixed and variable tariff?", False, "none"),
    ("When does my annual subscription renew?", False, "none"),
    ("How do I switch off data roaming on Android?", False, "none"),
    ("I'd like to add travel insurance to my existing booking", False, "none"),
    ("Is there a discount if I pay annually instead of monthly?", False, "none"),
    (
        "is there someone who can explain the new tariffs at a branch? or is it online only",
        False,
        "none",
    ),
    ("Do I get a refund of the unused months if I upgrade mid-contract?", False, "none"),
    ("Where can I see the status page for outages?", False, "none"),
    ("How do I close a pot in the app?", False, "none"),
    ("Can I get my bills in large print?", False, "none"),
    ("Appreciate the quick reply, that's exactly what I needed.", False, "none"),
    ("What documents do I need to open a business account?", False, "none"),
    ("Can I change my seat after online check-in?", False, "none"),
]

# A second unseen set, written before the mechanism round of this change and scored only in
# aggregate while the rules changed: 30 messages needing a human, 30 routine ones (many with
# risky words used harmlessly).
UNSEEN2: list[tuple[str, bool, str]] = [
    # -- needs a human --
    (
        "We've decided to take our payroll to another provider when the contract's up, what "
        "do we need to do?",
        True,
        "churn",
    ),
    ("Please shut down our team workspace for good and stop billing us.", True, "churn"),
    ("I no longer wish to be a customer. Close everything down please.", True, "churn"),
    ("How much would it cost me to get out of my broadband contract early?", True, "churn"),
    (
        "Not renewing the airline credit card this year, the annual fee isn't worth it anymore.",
        True,
        "churn",
    ),
    (
        "thinking about cancelling my membership, the delivery times have been rubbish lately",
        True,
        "churn",
    ),
    ("Can I speak with someone who actually knows what they're doing?", True, "human_request"),
    ("This bot keeps going in circles. Get me a human.", True, "human_request"),
    ("I'd like my case passed up to a team leader please.", True, "human_request"),
    ("Is there a phone number where I can reach an actual advisor?", True, "human_request"),
    (
        "Please have somebody from the billing department ring me this afternoon.",
        True,
        "human_request",
    ),
    (
        "You've debited my account two times for the same electricity bill this month.",
        True,
        "billing_dispute",
    ),
    (
        "There's a €39.99 charge from you on my statement and I have no idea what it is for.",
        True,
        "billing_dispute",
    ),
    (
        "I paid for extra legroom on my flight but got a normal seat. I want the difference back.",
        True,
        "billing_dispute",
    ),
    (
        "The promotional rate I signed up for has disappeared and my bill went up by £20 with "
        "no warning.",
        True,
        "billing_dispute",
    ),
    ("I was charged a roaming fee even though I never left the country.", True, "billing_dispute"),
    (
        "My subscription was supposed to be cancelled in March but you've taken payment for "
        "April and May.",
        True,
        "billing_dispute",
    ),
    (
        "Third engineer visit missed this month. I want this formally logged as a complaint.",
        True,
        "complaint",
    ),
    (
        "The way your staff spoke to me at the check-in desk was completely out of order.",
        True,
        "complaint",
    ),
    ("Your delivery driver threw my parcel over the fence and it's smashed.", True, "complaint"),
    (
        "I've been on hold for 90 minutes twice this week and nobody ever picks up. Terrible.",
        True,
        "complaint",
    ),
    ("this is a sh*t show, nothing in the app works", True, "anger"),
    ("Are you people completely incompetent?? Fix my account NOW", True, "anger"),
    (
        "Absolutely fuming. Third time the direct debit has failed because of YOUR system.",
        True,
        "anger",
    ),
    ("what a bunch of clowns, lost my bag AGAIN", True, "anger"),
    (
        "I'm going to raise this with the energy regulator if it isn't sorted by Friday.",
        True,
        "legal",
    ),
    (
        "Under GDPR I'm requesting a copy of all the personal data you store about me.",
        True,
        "legal",
    ),
    (
        "My solicitor will be in touch about the water damage your contractor caused.",
        True,
        "legal",
    ),
    (
        "Someone has opened a phone contract using my address and name, I never applied for it.",
        True,
        "other",
    ),
    (
        "There are three transactions on my card from a shop in Lisbon, I've never been to "
        "Portugal.",
        True,
        "other",
    ),
    # -- routine --
    ("How do I cancel a direct debit I set up by mistake for the gym?", False, "none"),
    ("Is your sales team available on weekends for enterprise quotes?", False, "none"),
    ("What's your refund policy for unused gift cards?", False, "none"),
    ("If I downgrade to the basic plan, do I lose my saved projects?", False, "none"),
    ("How do I delete an old delivery address from my profile?", False, "none"),
    ("Can I remove a user from our workspace without deleting their files?", False, "none"),
    (
        "I was charged twice last month but you already refunded it, thanks for sorting that.",
        False,
        "none",
    ),
    ("Damn, that was fast! Thanks for fixing my connection.", False, "none"),
    ("How many times can I change my flight date without a fee?", False, "none"),
    ("Will I be charged if I cancel my hotel booking 48 hours before?", False, "none"),
    ("Is there a fee for withdrawing cash abroad with this card?", False, "none"),
    ("How do I stop the marketing emails but keep the order updates?", False, "none"),
    ("My refund arrived today, thanks a lot!", False, "none"),
    ("How long does a bank transfer to another bank usually take?", False, "none"),
    ("Can I pay my bill in two instalments this month?", False, "none"),
    ("How do I move my number to a new SIM after losing my phone?", False, "none"),
    ("The engineer was brilliant, please pass on my thanks to him.", False, "none"),
    (
        "Does the premium plan include priority support with a dedicated account manager?",
        False,
        "none",
    ),
    ("Can I upgrade my seat to business class using miles?", False, "none"),
    ("How do I report a power cut in my street?", False, "none"),
    ("Is my card blocked automatically if I enter the wrong PIN three times?", False, "none"),
    ("Can you remind me when my contract ends so I can look at upgrade options?", False, "none"),
    (
        "I'd like to close my old savings pot and move the money into my current account.",
        False,
        "none",
    ),
    ("What time does the helpdesk close on Saturdays?", False, "none"),
    ("holy shit that was quick, thanks!", False, "none"),
    ("Could you send me last year's invoices as one PDF?", False, "none"),
    ("Can I get a receipt for the refund you issued last week?", False, "none"),
    (
        "If my flight is delayed more than 3 hours, am I entitled to compensation?",
        False,
        "none",
    ),
    ("Which payment methods do you accept for international orders?", False, "none"),
    ("Do you price-match if I find the same TV cheaper elsewhere?", False, "none"),
]

# A third unseen set, written before the precision round of this change and scored only
# before it and once after it: 20 messages needing a human, 60 routine ones, most of them
# with risky words used routinely (questions about refund and complaint policies, calm
# questions about a bill, hypotheticals, reported speech, feelings aimed at oneself or
# said in thanks, negations, closings, technical senses of kill/terminate/port/drop).
UNSEEN3: list[tuple[str, bool, str]] = [
    # -- needs a human --
    (
        "I've been overcharged on my phone bill for three months now and I want it put right.",
        True,
        "billing_dispute",
    ),
    (
        "Can you explain why you took £120 from my account when my plan is £40? I never agreed "
        "to that.",
        True,
        "billing_dispute",
    ),
    ("If I cancel now do I lose my number? Thinking of moving to Vodafone.", True, "churn"),
    (
        "What would it cost to cancel my contract early? I've had enough of the dropouts.",
        True,
        "churn",
    ),
    ("Please close my account and send the remaining balance to my other bank.", True, "churn"),
    ("I'd like to talk to someone in your retentions department.", True, "human_request"),
    (
        "Can a person look at this instead of the bot? It's not understanding me.",
        True,
        "human_request",
    ),
    (
        "The technician left a hole in my wall and never came back. I'm really not happy.",
        True,
        "complaint",
    ),
    (
        "Third week without a working landline and all I get is 'we're looking into it'.",
        True,
        "complaint",
    ),
    (
        "Your app charged me for a ride I cancelled and now support isn't answering.",
        True,
        "billing_dispute",
    ),
    (
        "I want my money back for the concert tickets, the event was moved and I can't go.",
        True,
        "billing_dispute",
    ),
    (
        "This is ridiculous, my flight was cancelled and no one will tell me anything.",
        True,
        "complaint",
    ),
    ("Honestly, what a useless service. Three days without internet.", True, "anger"),
    ("Someone logged into my account from Brazil and changed my email.", True, "other"),
    ("I'm going to report this to the ombudsman, you've ignored me for weeks.", True, "legal"),
    ("We're moving our 40 seats over to a competitor at the end of the quarter.", True, "churn"),
    (
        "Your agent promised me a 50% discount on the phone and it's not on the bill.",
        True,
        "billing_dispute",
    ),
    (
        "I didn't authorise this direct debit, please stop it and return the money.",
        True,
        "billing_dispute",
    ),
    ("Please escalate this, I've explained the problem four times now.", True, "human_request"),
    ("I want to formally complain about the rude gate agent in Dublin.", True, "complaint"),
    # -- routine: policy --
    ("What's your refund policy on annual plans?", False, "none"),
    ("How long do refunds usually take to show up on a credit card?", False, "none"),
    ("Is there a fee to cancel the sports add-on before the month ends?", False, "none"),
    ("How do I file a warranty claim for a cracked screen?", False, "none"),
    ("Where is your complaints policy published? I need it for a supplier audit.", False, "none"),
    ("What's the cancellation policy for economy light fares?", False, "none"),
    ("Can I get a refund on a hotel booking if I cancel within 24 hours?", False, "none"),
    ("Do refunds go back to the original card or as store credit?", False, "none"),
    ("How do I claim on my phone insurance for water damage?", False, "none"),
    ("Is there a cooling-off period on new broadband contracts?", False, "none"),
    ("How long is the return window for electronics bought online?", False, "none"),
    ("What's the penalty-free withdrawal limit on the easy access savings account?", False, "none"),
    ("Is there an early repayment charge if I overpay my loan?", False, "none"),
    # -- routine: money --
    ("My bill went up this month, why?", False, "none"),
    ("Can you explain the 'network access charge' line on my bill? Is it new?", False, "none"),
    ("Why is this month's invoice higher than last month? Did the price change?", False, "none"),
    (
        "I paid my bill twice by accident yesterday, will the extra just sit as credit for next "
        "month?",
        False,
        "none",
    ),
    ("When will I be charged for the annual renewal?", False, "none"),
    ("How much does roaming in Canada cost per day?", False, "none"),
    ("Is the direct debit taken on the 1st or the 15th?", False, "none"),
    ("Do you charge for paper statements?", False, "none"),
    # -- routine: hypo --
    ("If I change my plan mid-cycle, will I be charged for both?", False, "none"),
    ("What happens to my points if my card expires?", False, "none"),
    ("If I miss a payment by a day, is there a late fee?", False, "none"),
    ("Suppose my parcel gets lost in transit, who do I contact?", False, "none"),
    # -- routine: reported --
    (
        "My colleague said your support manager posted a fix for the VPN issue on the forum, "
        "where can I find it?",
        False,
        "none",
    ),
    (
        "My wife said she was charged a fee at the airport kiosk, is that standard for checked "
        "bags?",
        False,
        "none",
    ),
    ("A friend told me you can get a refund on unused data, is that true?", False, "none"),
    ("The courier said he'd come back tomorrow between 9 and 12, is that right?", False, "none"),
    ("The last agent told me to restart the router and it worked, thanks.", False, "none"),
    # -- routine: emotion --
    ("I'm angry at myself, I forgot my password again. How do I reset it?", False, "none"),
    ("No complaints, thanks! Everything works now.", False, "none"),
    ("This app is killer, love the new budgeting feature.", False, "none"),
    ("I was frustrated with the setup at first but your guide sorted it, thanks!", False, "none"),
    ("Not upset at all, just want to know when the engineer arrives.", False, "none"),
    ("Crazy good speeds since the upgrade, cheers", False, "none"),
    ("I'm not angry, just confused. How do I read the usage graph?", False, "none"),
    (
        "My kids are furious that the cartoon channel moved, what number is it on now?",
        False,
        "none",
    ),
    # -- routine: negation --
    (
        "Not looking to switch providers, just want to know if fibre is available on my street.",
        False,
        "none",
    ),
    ("I don't want a refund, I just want the replacement sent to my new address.", False, "none"),
    (
        "Not cancelling anything, just want to pause my gym membership for the summer.",
        False,
        "none",
    ),
    ("I don't need to speak to anyone, the FAQ answered it.", False, "none"),
    # -- routine: closing --
    ("Perfect, that's all I needed. Have a good day!", False, "none"),
    ("Thanks for the quick refund, much appreciated.", False, "none"),
    ("Great, the charge has disappeared from my account. Thanks for the help.", False, "none"),
    ("Sorted, cheers. You can close this ticket.", False, "none"),
    # -- routine: tech --
    ("How do I kill a stuck process on the VM from your web console?", False, "none"),
    ("Where do I terminate SSL, at the load balancer or on the instance?", False, "none"),
    ("Is port 443 open by default on the business router?", False, "none"),
    ("My phone won't charge the battery past 80%, is that a setting?", False, "none"),
    ("How do I cancel a print job that's stuck on the office printer?", False, "none"),
    ("Does the migration tool drop the table before re-importing?", False, "none"),
    ("The upload keeps failing, how do I abort the upload and restart it?", False, "none"),
    ("Can I terminate an instance without losing the attached volume?", False, "none"),
    ("How do I close a port on the firewall?", False, "none"),
    ("How do I disconnect the Bluetooth headset from the car?", False, "none"),
    # -- routine: other --
    ("Can I transfer money to another bank in a different currency?", False, "none"),
    ("Does the business plan include a dedicated manager for onboarding?", False, "none"),
    ("Our team lead wants a copy of the SOC 2 report, where can I download it?", False, "none"),
    (
        "Can I get a human-readable export of my transactions? The CSV is hard to read.",
        False,
        "none",
    ),
]


# A fourth unseen set, written before the round on lasting outages, plain dissatisfaction,
# person-versus-bot requests, named rivals, rumours and feelings at home, and scored only before
# and after it: 30 messages needing a human, 50 routine ones, from several domains.
UNSEEN4: list[tuple[str, bool, str]] = [
    # -- needs a human --
    (
        "Your engineer was meant to come Tuesday, then Thursday, and nobody showed. I've taken "
        "two days off work for this.",
        True,
        "complaint",
    ),
    (
        "I'm seriously considering taking my mortgage elsewhere after the way this has been dealt "
        "with.",
        True,
        "churn",
    ),
    (
        "Could you get someone from billing to ring me? The bot keeps going round in circles.",
        True,
        "human_request",
    ),
    (
        "We were billed for 45 seats but only have 30 users, please sort out a credit for the "
        "difference.",
        True,
        "billing_dispute",
    ),
    (
        "The airline lost my suitcase on the way out and I've had no update in nine days. This is "
        "ridiculous.",
        True,
        "complaint",
    ),
    ("I'd like to close my current account and move everything to Monzo.", True, "churn"),
    ("honestly the worst broadband I've ever had, drops every single evening", True, "complaint"),
    (
        "Is there a real human I can speak to? I've explained this four times already.",
        True,
        "human_request",
    ),
    ("You charged my card €89 for a renewal I turned off back in March.", True, "billing_dispute"),
    ("My mum passed away last month and I need to sort out her phone contract.", True, "legal"),
    ("Someone has opened a credit card in my name with your bank.", True, "other"),
    (
        "The courier left my parcel out in the rain and everything inside is ruined, I want my "
        "money back",
        True,
        "billing_dispute",
    ),
    (
        "We've had no gas for four days now and nobody will give me a straight answer.",
        True,
        "complaint",
    ),
    (
        "A 30% price rise in the middle of a fixed contract? That's daylight robbery.",
        True,
        "billing_dispute",
    ),
    ("Cancel everything. Account, direct debits, all of it. I'm done.", True, "churn"),
    (
        "My business line has been down since Monday and we're losing customers, this needs to go "
        "to someone who can fix it today.",
        True,
        "complaint",
    ),
    (
        "Stop sending me help articles and let me talk to somebody who can actually help.",
        True,
        "human_request",
    ),
    (
        "We won't be renewing our Enterprise plan next month; please confirm what happens to our "
        "data.",
        True,
        "churn",
    ),
    (
        "Your agent promised me a £50 credit on the phone and it never appeared.",
        True,
        "billing_dispute",
    ),
    ("Why the hell does it take three weeks to refund a cancelled flight?", True, "anger"),
    (
        "I'm really disappointed with how my claim has been handled, nobody returns my calls.",
        True,
        "complaint",
    ),
    (
        "Got a text that said it was you asking for my PIN, I gave it and now £400 is gone from "
        "my account.",
        True,
        "legal",
    ),
    (
        "There's a transaction at a shop I've never even been to, I want to dispute it.",
        True,
        "billing_dispute",
    ),
    (
        "The app took payment twice for my grocery order and only one order shows up.",
        True,
        "billing_dispute",
    ),
    ("Thinking of porting my number over to EE, how do I get my code?", True, "churn"),
    (
        "Three engineer visits and my internet still cuts out every hour. I'm at the end of my "
        "tether.",
        True,
        "complaint",
    ),
    ("I'll be contacting the ombudsman if this isn't sorted by Friday.", True, "legal"),
    (
        "Please pass this to a supervisor, the last agent I dealt with was really rude to me.",
        True,
        "human_request",
    ),
    (
        "My son ran up £300 of in-app purchases on my card without my permission, I need it "
        "reversed.",
        True,
        "billing_dispute",
    ),
    ("We've been with you 12 years and this is how you treat us? Shameful.", True, "complaint"),
    # -- routine --
    ("How do I update the billing address on my account?", False, "none"),
    ("What time does your Manchester branch open on Saturdays?", False, "none"),
    ("Can I pause my gym membership while I'm travelling for a month?", False, "none"),
    ("Is there a fee for paying my bill by card at the post office?", False, "none"),
    ("My router's lights are flashing orange, what does that mean?", False, "none"),
    ("How long does a refund to PayPal usually take?", False, "none"),
    ("Can I bring a guitar on board as cabin baggage?", False, "none"),
    ("I'd like to upgrade to the 500 Mb package please.", False, "none"),
    ("Do you have an API for exporting invoices?", False, "none"),
    ("How do I cancel an order that hasn't shipped yet?", False, "none"),
    ("What's your complaints process, just so I know for the future?", False, "none"),
    (
        "My friend said she got a free month when she referred someone, how does the referral "
        "scheme work?",
        False,
        "none",
    ),
    ("Can I change the date of my direct debit to the 15th?", False, "none"),
    ("Where do I find my PUK code?", False, "none"),
    ("We're moving house next month, can the broadband move with us?", False, "none"),
    ("Thanks so much, the engineer was brilliant and fixed it in ten minutes.", False, "none"),
    ("Can I add my partner as a second cardholder?", False, "none"),
    ("How do I set up two-factor authentication?", False, "none"),
    ("Is the Basic plan enough for a team of five?", False, "none"),
    ("What happens to my unused data at the end of the month?", False, "none"),
    (
        "My neighbour reckons you give pensioners a discount on line rental, is that right?",
        False,
        "none",
    ),
    ("Is my flight to Lisbon on time?", False, "none"),
    ("Can I get a copy of last year's statements for my accountant?", False, "none"),
    (
        "The meter reading on my bill looks like an estimate, how do I submit the real one?",
        False,
        "none",
    ),
    ("How do I delete an old payment card from the app?", False, "none"),
    ("Do you price match other retailers?", False, "none"),
    ("What's the difference between Standard and Premium support?", False, "none"),
    ("I'm travelling to Canada next week, will my phone work there?", False, "none"),
    ("How can I send money to a friend abroad?", False, "none"),
    ("Can you resend the confirmation email for booking ABC123?", False, "none"),
    (
        "Tracking says delivered but I think it went to a neighbour, can you tell me where the "
        "driver left it?",
        False,
        "none",
    ),
    ("How do I turn off the marketing emails?", False, "none"),
    ("Do I need to be home for the smart meter installation?", False, "none"),
    ("I lost my card on holiday, can you send a new one to my hotel?", False, "none"),
    ("What's the cancellation policy for hotels booked through you?", False, "none"),
    (
        "My daughter is annoyed that her games console won't connect to the wifi, any tips?",
        False,
        "none",
    ),
    (
        "Our company is switching to a new accounting system, can your invoices be exported as "
        "CSV?",
        False,
        "none",
    ),
    ("How many points do I need for a free flight?", False, "none"),
    ("is there an outage in the Leeds area right now", False, "none"),
    ("Can I split the bill between two cards?", False, "none"),
    ("I got an email about a price change, when does it take effect?", False, "none"),
    ("How do I downgrade from Pro to Free at the end of the billing cycle?", False, "none"),
    ("Please remind me how to reset the voicemail PIN.", False, "none"),
    ("Does the family plan let the kids have their own logins?", False, "none"),
    ("Who should I contact about a quote for 200 seats?", False, "none"),
    ("Does the refund go back to the original card or as store credit?", False, "none"),
    ("Just curious why this month's bill is a couple of euros higher than usual?", False, "none"),
    ("Can I switch my electricity tariff to Economy 7?", False, "none"),
    ("How do I pay off my overdraft early?", False, "none"),
    ("Great, that worked. Have a nice day!", False, "none"),
]


@pytest.fixture(scope="module")
def scorer() -> RiskScorer:
    return RiskScorer(load_policy().risk)


def _ours(scorer: RiskScorer, rows: list[LabelledMessage]) -> tuple[Counts, Counts]:
    report = evaluate(scorer, rows)
    detector = next(d for d in report.detectors if d.name == OURS)
    return detector.clear, detector.overall


def test_holdout_file_is_well_formed() -> None:
    rows = load_labelled(HOLDOUT)
    assert len(rows) >= 250
    assert len({row.text for row in rows}) == len(rows)
    reasons = {"churn", "anger", "complaint", "human_request", "billing_dispute", "legal", "other"}
    for row in rows:
        assert row.tier in ("clear", "ambiguous")
        assert (row.reason in reasons) if row.needs_human else (row.reason == "none")
    routine = sum(not row.needs_human for row in rows) / len(rows)
    assert 0.5 <= routine <= 0.7


def test_holdout_clear_tier_recall_and_routine_escalations(scorer: RiskScorer) -> None:
    clear, overall = _ours(scorer, load_labelled(HOLDOUT))
    assert clear.recall is not None and clear.recall >= CLEAR_RECALL_MIN, clear
    assert clear.routine_escalated is not None
    assert clear.routine_escalated <= ROUTINE_ESCALATED_MAX, clear
    assert overall.routine_escalated is not None
    assert overall.routine_escalated <= ROUTINE_ESCALATED_MAX, overall


def test_rules_hold_on_unseen_messages(scorer: RiskScorer) -> None:
    rows = [
        LabelledMessage(text=text, needs_human=needed, reason=reason)
        for text, needed, reason in UNSEEN
    ]
    _, overall = _ours(scorer, rows)
    assert overall.recall is not None and overall.recall >= UNSEEN_RECALL_MIN, overall
    assert overall.routine_escalated is not None
    assert overall.routine_escalated <= UNSEEN_ROUTINE_ESCALATED_MAX, overall


def test_rules_hold_on_a_second_unseen_set(scorer: RiskScorer) -> None:
    rows = [
        LabelledMessage(text=text, needs_human=needed, reason=reason)
        for text, needed, reason in UNSEEN2
    ]
    assert sum(needed for _, needed, _ in UNSEEN2) == 30 and len(UNSEEN2) == 60
    _, overall = _ours(scorer, rows)
    assert overall.recall is not None and overall.recall >= UNSEEN2_RECALL_MIN, overall
    assert overall.routine_escalated is not None
    assert overall.routine_escalated <= UNSEEN2_ROUTINE_ESCALATED_MAX, overall


def test_rules_hold_on_a_third_unseen_set(scorer: RiskScorer) -> None:
    rows = [
        LabelledMessage(text=text, needs_human=needed, reason=reason)
        for text, needed, reason in UNSEEN3
    ]
    assert sum(needed for _, needed, _ in UNSEEN3) == 20 and len(UNSEEN3) == 80
    _, overall = _ours(scorer, rows)
    assert overall.recall is not None and overall.recall >= UNSEEN3_RECALL_MIN, overall
    assert overall.routine_escalated is not None
    assert overall.routine_escalated <= UNSEEN3_ROUTINE_ESCALATED_MAX, overall


def test_rules_hold_on_a_fourth_unseen_set(scorer: RiskScorer) -> None:
    rows = [
        LabelledMessage(text=text, needs_human=needed, reason=reason)
        for text, needed, reason in UNSEEN4
    ]
    assert sum(needed for _, needed, _ in UNSEEN4) == 30 and len(UNSEEN4) == 80
    _, overall = _ours(scorer, rows)
    assert overall.recall is not None and overall.recall >= UNSEEN4_RECALL_MIN, overall
    assert overall.routine_escalated is not None
    assert overall.routine_escalated <= UNSEEN4_ROUTINE_ESCALATED_MAX, overall
