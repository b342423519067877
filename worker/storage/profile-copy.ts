import type { Profile } from '../profile';

/**
 * How a store's profile copy hears of the other tabs, and tells them: the engine's tab channel
 * (worker/sync.ts). `live` is false where tabs cannot hear each other (no BroadcastChannel);
 * then nothing is kept, and every read goes to IndexedDB.
 */
export interface ProfileLine {
  live(): boolean;
  /** Tells the other tabs' engines that this one changed the stored profile. */
  changed(): void;
}

/**
 * The profile as the IndexedDB store last read or wrote it, kept in the engine's memory so a
 * decision does not wait for a read. When this store changes the profile it tells the other
 * tabs, and when another tab's does, the engine calls {@link ProfileCopy.heard}, which drops the
 * copy; a read that was under way when a change was heard is not kept.
 */
export interface ProfileCopy {
  /** The profile: the copy when there is one, else what `load` reads (kept if nothing changed meanwhile). */
  read(load: () => Promise<Profile | undefined>): Promise<Profile | undefined>;
  /** After this store committed a profile (or none): keeps it and tells the other tabs. */
  wrote(profile: Profile | undefined): void;
  /** Another tab changed the profile. */
  heard(): void;
}

/**
 * @param line the engine's line to the other tabs
 * @returns an empty copy
 */
export function profileCopy(line: ProfileLine): ProfileCopy {
  let copy: { profile: Profile | undefined } | undefined;
  // Counts the changes heard or made, so a read that spans one is not kept.
  let changes = 0;
  return {
    async read(load) {
      if (copy) return copy.profile;
      const before = changes;
      const profile = await load();
      if (line.live() && before === changes) copy = { profile };
      return profile;
    },
    wrote(profile) {
      changes++;
      copy = line.live() ? { profile } : undefined;
      line.changed();
    },
    heard() {
      changes++;
      copy = undefined;
    },
  };
}
