/**
 * A website: one nginx service behind the provider's HTTP ingress, reached at `domain`. After the
 * deploy, point the domain's DNS (a CNAME) at the ingress host that `akash-stack status` shows.
 */
import { defineStack, Size } from "akash-stack";

export default defineStack({
  name: "web",
  description: "A website served by nginx behind the provider's HTTP ingress.",
  params: {
    /** The host name the site answers to. Override it: `akash-stack synth web --set domain=www.you.example`. */
    domain: "www.example.com",
    /** Pin images to a version: providers cache tags, so `latest` may never update. */
    image: "nginx:1.27.3-alpine",
  },
  build(stack, p) {
    const web = stack.service("web", {
      image: p.image,
      compute: { cpu: 0.5, memory: Size.mebibytes(512), storage: { root: Size.gibibytes(1) } },
      // The most this service pays per block, in uact (1 ACT = 1,000,000 uact).
      price: { amount: 1000 },
    });
    web.expose({ port: 80, global: true, accept: [p.domain] });
  },
});
