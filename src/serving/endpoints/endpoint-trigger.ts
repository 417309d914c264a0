/**
 * How the API wakes the endpoint controller when both run in this process. Across
 * processes the controller's interval picks changes up instead.
 */
export interface EndpointTrigger {
  trigger(): Promise<void>;
}

export const ENDPOINT_TRIGGER = Symbol('ENDPOINT_TRIGGER');
