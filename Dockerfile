# entente in a minimal image: a static binary, the example agreements and
# histories, and nothing else. Build: docker build -t entente .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/entente ./cmd/entente

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/entente /usr/local/bin/entente
COPY examples /examples
USER nonroot:nonroot
EXPOSE 7878
ENTRYPOINT ["/usr/local/bin/entente", "serve", "--addr", "0.0.0.0:7878"]
# With no arguments: the example agreements, measured from their histories.
CMD ["--metrics", "/examples/metrics/payments-hosting.om", "--metrics", "/examples/metrics/geo-api.om", "--metrics", "/examples/metrics/managed-support.om", "--facts", "/examples/metrics/facts.json", "/examples/agreements"]
