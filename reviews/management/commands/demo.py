import os

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.core.management import call_command

from reviews.management.commands.load_demo import Command as LoadDemo

# The box of demo users travels to the autoreloader's child process (the one that serves) in the environment.
BOX_VARIABLE = "FACTCHECK_DEMO_USERS_BOX"


class Command(RunserverCommand):
    help = (
        "Serve the app with the demo: migrate, load the demo (`load_demo`), then run the development server and "
        "print the demo users last, after its start-up lines. Takes runserver's arguments (`[addrport]`)."
    )

    def handle(self, *args, **options):
        # The autoreloader runs this command again in a child process (RUN_MAIN is set there): load only once.
        if os.environ.get("RUN_MAIN") != "true":
            call_command("migrate", interactive=False, verbosity=0)
            os.environ[BOX_VARIABLE] = LoadDemo(stdout=self.stdout, stderr=self.stderr).load()
        # The demo was loaded with its tasks run on the spot; what the desk sends from now on runs on a background
        # thread, so a page returns at once and shows the work's progress. The environment carries this to the
        # autoreloader's child process, which reads the settings afresh.
        os.environ["TASKS_IN_THREAD"] = "true"
        settings.TASKS_IN_THREAD = settings.CELERY_TASK_ALWAYS_EAGER
        super().handle(*args, **options)

    def on_bind(self, server_port):
        super().on_bind(server_port)
        box = os.environ.get(BOX_VARIABLE)
        if box:
            self.stdout.write(f"\n{box}\n")
