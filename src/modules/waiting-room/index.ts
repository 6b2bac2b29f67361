// What other modules use of the waiting room: the gate in front of the hold routes (the stores are
// kv/waiting-room*.ts, chosen by runtime.ts).
export { waitingRoomGate } from './gate.ts';
export { waitingRoomRoutes } from './routes.ts';
