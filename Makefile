# Targets of the original project (docker compose based) plus the npm ones.
# The api service needs its secrets (JWT_SECRET, GATEWAY_API_KEY, GATEWAY_WEBHOOK_SECRET,
# TICKET_SIGNING_KEY: see docker-compose.yml) in the environment or in .env; targets that never create
# the api container pass placeholders so compose can read the file without them.
COMPOSE ?= docker compose
UNUSED = unused-by-this-target-unused-by-this-target
NO_API_SECRET = JWT_SECRET="$${JWT_SECRET:-$(UNUSED)}" GATEWAY_API_KEY="$${GATEWAY_API_KEY:-$(UNUSED)}" \
	GATEWAY_WEBHOOK_SECRET="$${GATEWAY_WEBHOOK_SECRET:-$(UNUSED)}" TICKET_SIGNING_KEY="$${TICKET_SIGNING_KEY:-$(UNUSED)}"

.PHONY: up down docker_db_build docker_db_start docker_db_stop \
	docker_be_build docker_be_start docker_be_stop start test bench ci

## Whole stack: PostgreSQL, Redis and the API (built from this folder).
up:
	$(COMPOSE) up -d --build

down:
	$(NO_API_SECRET) $(COMPOSE) down

## Database only (postgres:15 image: "build" pulls it).
docker_db_build:
	$(NO_API_SECRET) $(COMPOSE) pull db

docker_db_start:
	$(NO_API_SECRET) $(COMPOSE) up -d db

docker_db_stop:
	$(NO_API_SECRET) $(COMPOSE) stop db

## Backend only (starts db and redis first if they are not running).
docker_be_build:
	$(NO_API_SECRET) $(COMPOSE) build api

docker_be_start:
	$(COMPOSE) up -d api

docker_be_stop:
	$(NO_API_SECRET) $(COMPOSE) stop api

## Without Docker: embedded PGlite unless DATABASE_URL is set.
start:
	npm start

test:
	npm test

bench:
	npm run bench

ci:
	bash .ci/run
