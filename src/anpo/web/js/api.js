// The HTTP API as seen from the page. Errors carry the server's message (field named on 422).
export class ApiError extends Error {
  constructor(status, detail) {
    super(ApiError.describe(status, detail));
    this.status = status;
    this.detail = detail;
  }
  static describe(status, detail) {
    if (Array.isArray(detail)) {
      return detail.map((d) => `${(d.loc || []).filter((x) => x !== "body" && x !== "query").join(".")}: ${d.msg}`).join("; ");
    }
    return typeof detail === "string" ? detail : `HTTP ${status}`;
  }
}

async function call(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const token = sessionStorage.getItem("anpo-token");  // writes and stored runs need it when set
  if (token) init.headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, init);
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data && data.detail);
  return data;
}

export const get = (path, params = {}) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return call("GET", s ? `${path}?${s}` : path);
};
export const post = (path, body) => call("POST", path, body);
