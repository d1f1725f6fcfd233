# Stand-in for temporalio/ui at the version of deploy/temporal/versions.json: the ui-server built from
# its Go module as `npm run cluster` builds it, started like the official image (config/docker.yaml
# from the module, a template of TEMPORAL_* variables; port 8080 unless TEMPORAL_UI_PORT).
FROM vipps-standin/debian:bookworm
RUN groupadd --gid 1000 temporal && useradd --uid 1000 --gid temporal --no-create-home temporal
COPY temporal-ui-server /home/ui-server/ui-server
COPY config /home/ui-server/config
WORKDIR /home/ui-server
USER temporal
CMD ["./ui-server", "--env", "docker", "start"]
