# bf as a pod server: a Debian + Swift build stage and a slim run stage.
#
#   docker build -t bf .
#   docker run -d --name census -p 7401:7401 -v bf-home:/var/lib/bf -v /srv/census:/data:ro \
#       bf pod serve /data/census.yaml --listen 0.0.0.0:7401
#
# The home (hub store, keys, nonces, privacy ledger) lives in the volume at /var/lib/bf, so a
# new container keeps the pod's grants, approvals and spent budget. See the README, "Running a
# pod as a service".

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libedit-dev libsqlite3-dev libzmq3-dev pkg-config binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The stripped binary, and beside it (its run path includes $ORIGIN) the Swift runtime
# libraries it links, so the run stage needs no toolchain.
RUN swift build -c release --product bf \
 && mkdir -p /out \
 && strip --strip-all -o /out/bf .build/release/bf \
 && ldd /out/bf | awk '$3 ~ "^/usr/lib/swift/" { print $3 }' | xargs -r cp -t /out

FROM debian:bookworm-slim
# libopenblas0-pthread: bf loads OpenBLAS (libopenblas.so.0) when it first builds a model.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libopenblas0-pthread libsqlite3-0 libzmq5 libedit2 libcurl4 libstdc++6 zlib1g ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/bf bf
COPY --from=build /out/ /opt/bf/
RUN ln -s /opt/bf/bf /usr/local/bin/bf
USER bf
ENV BF_HOME=/var/lib/bf BF_USER=bf
VOLUME /var/lib/bf
EXPOSE 7401
ENTRYPOINT ["bf"]
CMD ["pod", "serve", "/data/pod.yaml", "--listen", "0.0.0.0:7401"]
