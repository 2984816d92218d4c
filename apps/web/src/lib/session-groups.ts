/** Groups sessions for the sidebar: Pinned, Today, Yesterday, Previous 7 days, Older. */
import type { ChatSession } from '@chat-studio/protocol';

/** Sidebar group labels in display order. */
export const SESSION_GROUP_LABELS = ['Pinned', 'Today', 'Yesterday', 'Previous 7 days', 'Older'] as const;
export type SessionGroupLabel = (typeof SESSION_GROUP_LABELS)[number];

/** One non-empty sidebar group. */
export interface SessionGroup {
  label: SessionGroupLabel;
  sessions: ChatSession[];
}

function startOfLocalDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/**
 * The group a session belongs to by its last activity (`updated_at`), in the viewer's local time zone.
 *
 * @example
 * groupLabelFor(session, new Date()) // 'Today'
 */
export function groupLabelFor(session: ChatSession, now: Date): SessionGroupLabel {
  if (session.pinned) return 'Pinned';
  const today = startOfLocalDay(now);
  const t = Date.parse(session.updated_at);
  if (t >= today) return 'Today';
  // Day boundaries come from the calendar, not 24 h steps, so DST changes do not move sessions.
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1).getTime();
  if (t >= yesterday) return 'Yesterday';
  const weekAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 7).getTime();
  if (t >= weekAgo) return 'Previous 7 days';
  return 'Older';
}

/**
 * Splits sessions into the sidebar groups, newest activity first inside each group; empty groups are left out.
 *
 * @example
 * groupSessions(sessions, new Date()).map((g) => g.label) // ['Pinned', 'Today', 'Older']
 */
export function groupSessions(sessions: readonly ChatSession[], now: Date): SessionGroup[] {
  const buckets = new Map<SessionGroupLabel, ChatSession[]>();
  for (const s of sessions) {
    const label = groupLabelFor(s, now);
    let list = buckets.get(label);
    if (!list) {
      list = [];
      buckets.set(label, list);
    }
    list.push(s);
  }
  const groups: SessionGroup[] = [];
  for (const label of SESSION_GROUP_LABELS) {
    const list = buckets.get(label);
    if (list) groups.push({ label, sessions: list.sort((a, b) => b.updated_at.localeCompare(a.updated_at)) });
  }
  return groups;
}
