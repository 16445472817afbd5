"""The reviewers' web app, a module a page: `queues` (my queue, all claims, their bulk actions), `claim` (a claim's
page), `actions` (what its forms do), `articles` (an article's page and its actions: add and merge claims, retry
the extraction), `dashboard` (the editors' figures) and `public` (the published fact-checks, for readers without a
login). `writes` is what every view that writes shares: a plain
form POST that calls one service and redirects back with a message, and one answer to each kind of refusal.
"""
