import { startLocalUniAuth } from "./uniauth/server";
const u = await startLocalUniAuth({ port: 4000, appUrl: "http://localhost:3000", stateDir: ".local/uniauth" });
console.log("up", u.issuer);
