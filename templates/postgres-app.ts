/**
 * An application with its PostgreSQL database. The database is reachable only by the app; its
 * password is generated on the first deploy and kept in .akash-stack/ (git-ignored), never in the
 * SDL. The app is reached at `domain` through the provider's HTTP ingress.
 */
import { defineStack, Size } from "akash-stack";

export default defineStack({
  name: "postgres-app",
  description: "An application and its PostgreSQL database, with the data on a persistent volume.",
  params: {
    domain: "app.example.com",
    /** Your application's image: it gets DATABASE_URL and listens on `appPort`. */
    appImage: "ghcr.io/your-org/your-app:1.0.0",
    appPort: 3000,
    postgresStorageGi: 10,
  },
  build(stack, p) {
    const password = stack.generatedSecret("POSTGRES_PASSWORD", { kind: "password" });

    const postgres = stack.service("postgres", {
      image: "postgres:17.6-alpine",
      env: {
        POSTGRES_USER: "app",
        POSTGRES_DB: "app",
        POSTGRES_PASSWORD: password,
        // A volume's root holds lost+found, which initdb refuses: keep the data one level down.
        PGDATA: "/var/lib/postgresql/data/pgdata",
      },
      compute: {
        cpu: 1,
        memory: Size.gibibytes(1),
        storage: {
          root: Size.gibibytes(1),
          // Persistent: survives restarts, not a lease that closes or moves. Back the data up.
          volumes: { data: { size: Size.gibibytes(p.postgresStorageGi), class: "beta3", mount: "/var/lib/postgresql/data" } },
        },
      },
      price: { amount: 1000 },
    });

    const app = stack.service("app", {
      image: p.appImage,
      env: { PORT: p.appPort, DATABASE_URL: `postgres://app:${password}@postgres:5432/app` },
      compute: { cpu: 0.5, memory: Size.mebibytes(512), storage: { root: Size.gibibytes(1) } },
      price: { amount: 1000 },
    });

    postgres.allow(app, { port: 5432 }); // only the app reaches the database
    app.expose({ port: p.appPort, as: 80, global: true, accept: [p.domain] });
  },
});
