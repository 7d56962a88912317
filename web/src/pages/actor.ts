/** Who did something, as the server resolves it (src/identity/actor-display.ts): never an actor id. */
export interface ActorDisplay {
  kind: 'staff' | 'citizen' | 'machine' | 'system' | 'anonymous';
  name?: string;
  role: string;
  area: string | null;
  text: string;
}
