import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * Idle connections close after this long: under the 5 s keep-alive timeout of Node's own HTTP server and most
 * proxies, so the receiver rarely closes one just as a request goes out on it.
 */
const IDLE_SOCKET_MS = 4_000;
/** An endpoint's agent unused this long is dropped with its connections. */
const IDLE_AGENT_MS = 60_000;

interface PooledAgent {
  agent: http.Agent;
  /** The origin and the checked addresses the agent's connections were opened to. */
  target: string;
  lastUsed: number;
}

const agents = new Map<string, PooledAgent>();

function dropIdleAgents(now: number): void {
  for (const [endpointId, pooled] of agents) {
    if (now - pooled.lastUsed < IDLE_AGENT_MS) continue;
    pooled.agent.destroy();
    agents.delete(endpointId);
  }
}

/**
 * The keep-alive agent of one endpoint in this process: at most `maxSockets` connections, opened through
 * `lookup` (the pinned, checked addresses). A new origin or a new set of checked addresses (`target`) replaces
 * the agent and closes its connections, so no connection outlives the check it was opened under.
 */
export function endpointAgent(
  endpointId: string,
  options: { url: URL; target: string; lookup?: LookupFunction; maxSockets: number },
): http.Agent {
  const now = Date.now();
  dropIdleAgents(now);
  const target = `${options.url.origin} ${options.target}`;
  const pooled = agents.get(endpointId);
  if (pooled?.target === target) {
    pooled.lastUsed = now;
    return pooled.agent;
  }
  pooled?.agent.destroy();
  const Agent = options.url.protocol === 'https:' ? https.Agent : http.Agent;
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.maxSockets,
    timeout: IDLE_SOCKET_MS,
    lookup: options.lookup,
  });
  agents.set(endpointId, { agent, target, lastUsed: now });
  return agent;
}

/** Closes every pooled connection (a worker shutting down, a test ending). */
export function closeEndpointAgents(): void {
  for (const pooled of agents.values()) pooled.agent.destroy();
  agents.clear();
}
