# The production image: the project with gunicorn; the same image runs web, worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=carec_prf.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e . gunicorn
RUN pybabel --quiet compile --domain=django --directory=locale \
    && SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_hex(32))') python manage.py collectstatic --noinput
RUN useradd --system --home /app carec && mkdir -p /data/media && chown carec /data/media
USER carec
EXPOSE 8000
CMD ["gunicorn", "carec_prf.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
