import type { FailureGroup } from './group.ts';

export interface TicketThreshold {
  minReports?: number;
  minUsers?: number;
}

export const DEFAULT_TICKET_THRESHOLD: Required<TicketThreshold> = { minReports: 3, minUsers: 2 };

/** A group becomes a ticket once enough reports from enough different people describe it. */
export function isTicket(group: Pick<FailureGroup, 'count' | 'users'>, threshold: TicketThreshold = {}): boolean {
  const { minReports, minUsers } = { ...DEFAULT_TICKET_THRESHOLD, ...threshold };
  return group.count >= minReports && group.users >= minUsers;
}
