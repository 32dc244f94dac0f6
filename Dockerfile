# Aduan in a container: `aduan run` (webhooks, HTTP on 8080) or `aduan worker`; migrations run at start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system aduan && useradd --system --gid aduan --home-dir /app --shell /usr/sbin/nologin aduan

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY storage ./storage
COPY locales ./locales
COPY deploy/entrypoint.sh /usr/local/bin/aduan-entrypoint
RUN pip install . && chmod 0755 /usr/local/bin/aduan-entrypoint \
    && mkdir -p /data/media && chown -R aduan:aduan /data

# The catalogs stay next to the project, not in site-packages.
ENV ADUAN_LOCALES_DIR=/app/locales \
    MEDIA_DIR=/data/media \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    LOG_FORMAT=json

USER aduan
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=4)"
ENTRYPOINT ["aduan-entrypoint"]
CMD ["run"]
