-- wrk script: each request alternately creates and deletes a policy (POST /v1/policies, DELETE /v1/policies/NAME).
-- The bearer token comes from the AUTH environment variable.
local auth = os.getenv("AUTH")
local counter = 0
local prefix = ""
local threads = 0

function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end

function init(args)
    prefix = "bench-" .. id .. "-" .. math.random(1, 1000000000) .. "-"
end

function request()
    counter = counter + 1
    local n = math.floor((counter + 1) / 2)
    if counter % 2 == 1 then
        local body = '{"metadata":{"name":"' .. prefix .. n .. '"},"policy":{"effect":"allow","subjects":["users:<.*>"],'
            .. '"actions":["get"],"resources":["articles:<.*>"]}}'
        return wrk.format("POST", "/v1/policies", { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
    end
    return wrk.format("DELETE", "/v1/policies/" .. prefix .. n, { ["Authorization"] = auth })
end
