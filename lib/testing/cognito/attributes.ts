import type { UserRecord } from './state';

/** Attributes whose change needs a code, and whose `_verified` flag Cognito keeps. */
export const VERIFIABLE = ['email', 'phone_number'] as const;

/** The user's attributes as Cognito lists them: `sub`, the attributes, `*_verified` flags. */
export function attributesOf(user: UserRecord): Record<string, string> {
  const attributes: Record<string, string> = { sub: user.sub, ...user.attributes };
  for (const name of VERIFIABLE) {
    if (attributes[name] !== undefined) {
      attributes[`${name}_verified`] = String(user.verified.has(name));
    }
  }
  return attributes;
}

/** `[{ Name, Value }]`, the wire form of attributes. */
export function attributeList(
  attributes: Record<string, string>,
): Array<{ Name: string; Value: string }> {
  return Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
}

/** `[{ Name, Value }]` from a request, as a record (non-strings dropped). */
export function attributeRecord(list: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (!Array.isArray(list)) return record;
  for (const item of list as Array<Record<string, unknown>>) {
    if (typeof item['Name'] === 'string' && typeof item['Value'] === 'string')
      record[item['Name']] = item['Value'];
  }
  return record;
}
