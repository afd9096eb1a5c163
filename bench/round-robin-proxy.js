#!/usr/bin/env node
// A TCP round-robin proxy on a free loopback port: each new connection goes to the next upstream,
// as an L4 load balancer (kube-proxy, a cloud network load balancer) in front of a Deployment's
// replicas. bench/scenario-alerts.js --proxy runs it as a child process of its own, so its CPU is
// counted apart.
//
//   node bench/round-robin-proxy.js 127.0.0.1:3001 127.0.0.1:3002 …   # prints "listening <port>"

import net from 'node:net';

const upstreams = process.argv.slice(2).map((a) => {
  const [host, port] = a.split(':');
  return { host, port: Number(port) };
});
if (upstreams.length === 0 || upstreams.some((u) => !u.host || !Number.isInteger(u.port))) {
  process.stderr.write('usage: node bench/round-robin-proxy.js host:port [host:port …]\n');
  process.exit(2);
}

let next = 0;
const server = net.createServer((client) => {
  const target = upstreams[next++ % upstreams.length];
  const upstream = net.connect(target.port, target.host);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) socket.on('error', close).on('close', close);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
