/** The failure tally: reports grouped into recurring failures, and which groups are tickets. */
export { FailureIndex, DEFAULT_TALLY_OPTIONS, type TallyOptions, type FailureIndexJSON, type Assignment, type GroupMatch } from './failure-index.ts';
export { FailureGroup, type FailureReport, type FailureGroupJSON } from './group.ts';
export { isTicket, DEFAULT_TICKET_THRESHOLD, type TicketThreshold } from './ticket.ts';
export { extractProfile, type FailureProfile } from './profile.ts';
