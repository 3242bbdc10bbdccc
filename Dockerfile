# warn: two stages. The first builds the wheel; the second installs it into a slim image that
# runs as an unprivileged user. tests/integration/test_wheel.py mirrors these steps without Docker.
FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir build==1.2.2
COPY pyproject.toml README.md ./
COPY warn ./warn
COPY classifiers ./classifiers
COPY alembic ./alembic
RUN python -m build --wheel --outdir /dist

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 warn \
    && mkdir -p /data /config && chown warn:warn /data /config
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir "$(ls /tmp/warn-*.whl)[postgres]" && rm /tmp/*.whl
COPY --chown=warn:warn feeds.toml /config/feeds.toml
ENV WARN_CONFIG=/config/feeds.toml \
    WARN_DATABASE_URL=sqlite:////data/warn.db \
    PYTHONUNBUFFERED=1
USER warn
WORKDIR /data
VOLUME ["/data", "/config"]
HEALTHCHECK --interval=60s --timeout=20s --start-period=120s --retries=3 CMD ["warn", "health"]
CMD ["warn", "run"]
