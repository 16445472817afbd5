# The claim tracker's image: one image for the web process (gunicorn), the Celery worker and beat; the command
# chosen in docker-compose.yml (or a unit file) decides which. See docs/OPERATIONS.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # One thread per process for numpy and the embedding model: concurrency comes from processes.
    OMP_NUM_THREADS=1 \
    DJANGO_SETTINGS_MODULE=factcheck.settings

WORKDIR /app
RUN groupadd --system app && useradd --system --gid app --home-dir /app app

# The German-English dictionaries the evidence search bridges the two languages with (claims/retrieval/bridge.py);
# without them proposals find fewer documents in the other language.
RUN apt-get update \
    && apt-get install -y --no-install-recommends dict-freedict-deu-eng dict-freedict-eng-deu \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .
# Static files are collected into the image at build time and served by whitenoise. collectstatic signs nothing,
# but the settings need a key to load without DEBUG; this one exists only during the build.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

USER app
EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--forwarded-allow-ips", "*", "--access-logfile", "-", "--limit-request-line", "8190"]
