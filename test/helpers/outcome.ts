/** What a gate did with a request, in terms every runtime can be reduced to. */
export type Outcome =
  | { status: 'forward'; uri: string; querystring: string; cookies: string[] }
  | { status: number; headers: Record<string, string>; body: string; code: string | undefined };
