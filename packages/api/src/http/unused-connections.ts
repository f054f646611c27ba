import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Closing the server waits for every connection. One a client opened but never sent a request on counts as
 * "waiting for headers": it is not closed as idle and would hold shutdown for up to a minute. undici (Node's
 * fetch) opens such a connection whenever a caller abandons a streaming response, as every event-stream
 * client does, so on close they are dropped: nothing is in flight on them.
 */
export function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  app.addHook('preClose', (done) => {
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
    done();
  });
}
