"""Start the test provider: `python -m familyhelp.accounts.tests.oidc_provider.serve CONFIG`.

CONFIG is a JSON file: {"data_dir", "client_id", "client_secret", "redirect_uris": [...],
"users": [{"username", "password", "email", "email_verified", "name"}]}. It binds a free port on
127.0.0.1, migrates its own SQLite database, creates the client and the users, prints one line
`READY {"url": ..., "issuer": ..., "subjects": {username: sub}}` and serves until stopped.
"""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main(config_path):
    with open(config_path) as config_file:
        config = json.load(config_file)
    # Bind first: the issuer names the port, and the settings need the issuer.
    server = make_server(
        "127.0.0.1", 0, lambda environ, start: [], ThreadingWSGIServer, QuietHandler
    )
    url = f"http://127.0.0.1:{server.server_port}"
    os.environ["OIDC_TEST_PROVIDER_DIR"] = config["data_dir"]
    os.environ["OIDC_TEST_PROVIDER_ISSUER"] = f"{url}/o"
    os.environ["DJANGO_SETTINGS_MODULE"] = "familyhelp.accounts.tests.oidc_provider.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    subjects = _set_up(config)
    server.set_app(get_wsgi_application())
    print("READY " + json.dumps({"url": url, "issuer": f"{url}/o", "subjects": subjects}))
    sys.stdout.flush()
    server.serve_forever()


def _set_up(config):
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    from familyhelp.accounts.tests.oidc_provider.validators import UNVERIFIED_EMAIL_GROUP

    Application.objects.create(
        name="Family Help",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        skip_authorization=True,
        algorithm=Application.RS256_ALGORITHM,
    )
    unverified = Group.objects.create(name=UNVERIFIED_EMAIL_GROUP)
    subjects = {}
    for person in config["users"]:
        first, _, last = person.get("name", "").partition(" ")
        user = User.objects.create_user(
            username=person["username"],
            password=person["password"],
            email=person["email"],
            first_name=first,
            last_name=last,
        )
        if not person.get("email_verified", True):
            user.groups.add(unverified)
        subjects[person["username"]] = str(user.pk)
    return subjects


if __name__ == "__main__":
    main(sys.argv[1])
