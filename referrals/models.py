# Referrals and their events arrive with the referrals issue.
