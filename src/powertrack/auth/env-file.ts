// The project's one `.env` reader lives in core; PowerTrack's credentials file is read with it.
export { readEnvFile } from "../../core/env-file.js";
