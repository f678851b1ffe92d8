// The two APIs through the web server's own origin. Tokens stay in HttpOnly cookies the server reads;
// nothing here ever sees them.

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `Request failed (${status})`);
    this.status = status;
    this.code = error.code || "unknown";
    this.details = error.details;
  }
}

async function answer(response) {
  if (response.status === 204) return null;
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== "") search.append(name, one);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export async function read(path, params = {}, options = {}) {
  return answer(await fetch(`/api/read${path}${query(params)}`, { signal: options.signal }));
}

const WRITE_HEADERS = { "content-type": "application/json", "x-requested-with": "edu-web" };

async function asTheUser(api, method, path, body) {
  const options = { method, headers: method === "GET" ? {} : WRITE_HEADERS };
  if (body !== undefined) options.body = JSON.stringify(body);
  return answer(await fetch(`/api/${api}${path}`, options));
}

// The command API as the signed-in user.
export function command(method, path, body) {
  return asTheUser("command", method, path, body);
}

// The operations API (the projections console's; admins only).
export function ops(method, path, body) {
  return asTheUser("ops", method, path, body);
}

// A course's card and curriculum once the projections have reached `version` (read-your-writes): the read
// API waits a few seconds for it, then answers 503 projection_lagging with Retry-After; tried again then.
export async function readAtLeast(path, version, attempts = 5) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read(path, { min_version: version });
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "projection_lagging" || attempt >= attempts) throw error;
      await new Promise((done) => setTimeout(done, 1000));
    }
  }
}

export async function sessionPost(path, body) {
  return answer(await fetch(`/session${path}`, { method: "POST", headers: WRITE_HEADERS, body: JSON.stringify(body ?? {}) }));
}

let who = null;

export function currentUser() {
  who ??= fetch("/session").then(answer).then((found) => found.user);
  return who;
}
