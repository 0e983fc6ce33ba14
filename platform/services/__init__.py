"""Domain services: units, access, accounts, audit, announcements, support.

Services take plain values (usernames, codes, ``now``) and never a Flask
request; views and API endpoints parse input, call a service and render.
"""
