// A C++ host of liberts with a small RAII wrapper of the C API: a Runtime, an Env and a
// Mailbox are classes whose destructors free what they hold, and a failed call throws an
// erts::Error carrying its status and erts_last_error() (an erts::ErlangException when the
// Erlang function raised). The host starts a --bare runtime, calls lists:reverse/1 and
// string:uppercase/1, runs counter (counter.erl, a gen_server) whose notifications reach a
// mailbox callback, and calls counter:add/1 from 8 threads at once. Prints one line per
// step; tests/embed.rs compares them with host_cpp.expected.
//
// usage: host_cpp EBIN_DIR [runtime arguments...]
#include "erts.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace erts {

// A failed call of the C API: its status and the runtime's message.
class Error : public std::runtime_error {
  public:
    Error(erts_status status, const std::string &what)
        : std::runtime_error(what + ": " + erts_status_name(status) + " (" + erts_last_error() +
                             ")"),
          status_(status) {}
    erts_status status() const { return status_; }

  private:
    erts_status status_;
};

// An Erlang exception raised by a called function: class and reason as Erlang prints them.
class ErlangException : public Error {
  public:
    ErlangException(const std::string &what, std::string cls, std::string reason)
        : Error(ERTS_EXCEPTION, what), class_(std::move(cls)), reason_(std::move(reason)) {}
    const std::string &erlang_class() const { return class_; }
    const std::string &reason() const { return reason_; }

  private:
    std::string class_, reason_;
};

inline void check(erts_status st, const std::string &what) {
    if (st != ERTS_OK)
        throw Error(st, what);
}

// A process-independent term environment (enif_alloc_env); terms made in it live until it
// is cleared or destroyed. One thread at a time.
class Env {
  public:
    Env() : env_(enif_alloc_env()) {
        if (env_ == nullptr)
            throw std::bad_alloc();
    }
    ~Env() { enif_free_env(env_); }
    Env(const Env &) = delete;
    Env &operator=(const Env &) = delete;

    ErlNifEnv *get() const { return env_; }
    void clear() { enif_clear_env(env_); }

    ERL_NIF_TERM integer(long n) const { return enif_make_long(env_, n); }
    ERL_NIF_TERM atom(const char *name) const { return enif_make_atom(env_, name); }
    ERL_NIF_TERM string(const std::string &s) const {
        return enif_make_string_len(env_, s.data(), s.size(), ERL_NIF_LATIN1);
    }
    ERL_NIF_TERM list(const std::vector<ERL_NIF_TERM> &items) const {
        return enif_make_list_from_array(env_, items.data(), static_cast<unsigned>(items.size()));
    }
    long to_long(ERL_NIF_TERM t) const {
        long n;
        if (!enif_get_long(env_, t, &n))
            throw std::runtime_error("not an integer: " + show(t));
        return n;
    }
    // The term as Erlang prints it (~p without line breaks).
    std::string show(ERL_NIF_TERM t) const {
        std::vector<char> buf(256);
        for (;;) {
            int n = enif_snprintf(buf.data(), buf.size(), "%T", t);
            if (n < 0)
                throw std::runtime_error("enif_snprintf failed");
            if (static_cast<size_t>(n) < buf.size())
                return std::string(buf.data(), static_cast<size_t>(n));
            buf.resize(static_cast<size_t>(n) + 1);
        }
    }

  private:
    ErlNifEnv *env_;
};

// A runtime: started by the constructor from erl-style arguments, stopped and freed by the
// destructor.
class Runtime {
  public:
    explicit Runtime(const std::vector<std::string> &args) {
        std::vector<const char *> argv;
        for (const auto &a : args)
            argv.push_back(a.c_str());
        check(erts_runtime_start(static_cast<int>(argv.size()), argv.data(), &rt_),
              "erts_runtime_start");
    }
    ~Runtime() { erts_runtime_free(rt_); }
    Runtime(const Runtime &) = delete;
    Runtime &operator=(const Runtime &) = delete;

    erts_runtime *get() const { return rt_; }

    void load(const std::string &module) {
        check(erts_load_module(rt_, module.c_str()), "load " + module);
    }

    // module:function(args...) with its arguments and result in `env`.
    ERL_NIF_TERM call(const std::string &module, const std::string &function, Env &env,
                      const std::vector<ERL_NIF_TERM> &args, long timeout_ms = 5000) {
        ERL_NIF_TERM result = 0;
        erts_status st =
            erts_call(rt_, module.c_str(), function.c_str(), env.get(),
                      args.empty() ? nullptr : args.data(), static_cast<unsigned>(args.size()),
                      timeout_ms, &result);
        std::string mfa = module + ":" + function + "/" + std::to_string(args.size());
        if (st == ERTS_EXCEPTION) {
            int arity = 0;
            const ERL_NIF_TERM *elems = nullptr;
            if (!enif_get_tuple(env.get(), result, &arity, &elems) || arity != 3)
                throw Error(st, mfa);
            throw ErlangException(mfa, env.show(elems[0]), env.show(elems[1]));
        }
        check(st, mfa);
        return result;
    }

  private:
    erts_runtime *rt_ = nullptr;
};

// A host mailbox: a pid of the runtime that stands for this program. Messages are received
// with receive() or handed to a handler (on a runtime thread) set with on_message().
class Mailbox {
  public:
    using Handler = std::function<void(ErlNifEnv *, ERL_NIF_TERM)>;

    explicit Mailbox(Runtime &rt) { check(erts_mailbox_open(rt.get(), &mb_), "mailbox open"); }
    // Closing drops the callback first. The runtime must still live (declare the Runtime
    // before its mailboxes) and no message may still be on its way to the handler.
    ~Mailbox() { erts_mailbox_close(mb_); }
    Mailbox(const Mailbox &) = delete;
    Mailbox &operator=(const Mailbox &) = delete;

    ERL_NIF_TERM pid(Env &env) const {
        ERL_NIF_TERM p = 0;
        check(erts_mailbox_pid(mb_, env.get(), &p), "mailbox pid");
        return p;
    }

    std::optional<ERL_NIF_TERM> receive(Env &env, long timeout_ms) const {
        ERL_NIF_TERM m = 0;
        erts_status st = erts_mailbox_receive(mb_, env.get(), timeout_ms, &m);
        if (st == ERTS_TIMEOUT)
            return std::nullopt;
        check(st, "mailbox receive");
        return m;
    }

    void on_message(Handler h) {
        handler_ = std::make_unique<Handler>(std::move(h));
        check(erts_mailbox_set_callback(mb_, &Mailbox::trampoline, handler_.get()),
              "mailbox set_callback");
    }

  private:
    // Runs on a runtime thread: an exception must not cross into the runtime.
    static void trampoline(void *user, ErlNifEnv *env, ERL_NIF_TERM msg) {
        try {
            (*static_cast<Handler *>(user))(env, msg);
        } catch (const std::exception &e) {
            std::cerr << "mailbox handler threw: " << e.what() << std::endl;
        }
    }

    erts_mailbox *mb_ = nullptr;
    std::unique_ptr<Handler> handler_;
};

} // namespace erts

namespace {

constexpr int kThreads = 8;
constexpr int kCallsPerThread = 200;

// The values of the {counter, V} notifications the callback saw.
struct Notifications {
    std::mutex lock;
    std::condition_variable changed;
    std::vector<long> values;

    void add(long v) {
        {
            std::lock_guard<std::mutex> g(lock);
            values.push_back(v);
        }
        changed.notify_all();
    }

    // Waits up to 10 s until `n` have arrived; gives them sorted.
    std::vector<long> wait_for(size_t n) {
        std::unique_lock<std::mutex> g(lock);
        changed.wait_for(g, std::chrono::seconds(10), [&] { return values.size() >= n; });
        std::vector<long> v = values;
        std::sort(v.begin(), v.end());
        return v;
    }
};

// Whether `v` holds exactly first, first+1, ..., last.
bool is_range(const std::vector<long> &v, long first, long last) {
    if (static_cast<long>(v.size()) != last - first + 1)
        return false;
    for (size_t i = 0; i < v.size(); i++)
        if (v[i] != first + static_cast<long>(i))
            return false;
    return true;
}

int run(const std::vector<std::string> &args) {
    erts::Runtime rt(args);
    std::cout << "start: ok" << std::endl;
    erts::Env env;

    ERL_NIF_TERM l = env.list({env.integer(1), env.integer(2), env.integer(3)});
    std::cout << "lists:reverse: " << env.show(rt.call("lists", "reverse", env, {l})) << std::endl;
    ERL_NIF_TERM s = env.string("hello, world");
    std::cout << "string:uppercase: " << env.show(rt.call("string", "uppercase", env, {s}))
              << std::endl;

    rt.load("counter");
    rt.call("counter", "start", env, {});
    std::cout << "counter:start: ok" << std::endl;

    Notifications notes;
    erts::Mailbox mb(rt);
    mb.on_message([&notes](ErlNifEnv *menv, ERL_NIF_TERM msg) {
        int arity = 0;
        const ERL_NIF_TERM *elems = nullptr;
        long v = 0;
        char tag[16];
        if (enif_get_tuple(menv, msg, &arity, &elems) && arity == 2 &&
            enif_get_atom(menv, elems[0], tag, sizeof tag, ERL_NIF_LATIN1) > 0 &&
            std::string(tag) == "counter" && enif_get_long(menv, elems[1], &v))
            notes.add(v);
        else
            std::cerr << "unexpected message in the mailbox" << std::endl;
    });
    rt.call("counter", "subscribe", env, {mb.pid(env)});
    long five = env.to_long(rt.call("counter", "add", env, {env.integer(5)}));
    std::cout << "counter:add(5): " << five << std::endl;
    auto first = notes.wait_for(1);
    std::cout << "callback got: " << (first.empty() ? "nothing" : std::to_string(first[0]))
              << std::endl;

    // 8 threads, each with its own environment, call counter:add(1) at once.
    std::vector<std::vector<long>> returned(kThreads);
    std::vector<std::string> failures(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) {
        threads.emplace_back([&rt, &returned, &failures, t] {
            try {
                erts::Env tenv;
                for (int i = 0; i < kCallsPerThread; i++) {
                    tenv.clear();
                    ERL_NIF_TERM r = rt.call("counter", "add", tenv, {tenv.integer(1)});
                    returned[t].push_back(tenv.to_long(r));
                }
            } catch (const std::exception &e) {
                failures[t] = e.what();
            }
        });
    }
    for (auto &th : threads)
        th.join();
    for (int t = 0; t < kThreads; t++)
        if (!failures[t].empty())
            throw std::runtime_error("thread " + std::to_string(t) + ": " + failures[t]);
    std::vector<long> all;
    for (const auto &r : returned)
        all.insert(all.end(), r.begin(), r.end());
    std::sort(all.begin(), all.end());
    const long total = 5 + kThreads * kCallsPerThread;
    std::cout << "threads: " << kThreads << " x " << kCallsPerThread
              << " calls of counter:add(1), each value returned once: "
              << (is_range(all, 6, total) ? "yes" : "NO") << std::endl;
    long got = env.to_long(rt.call("counter", "get", env, {}));
    std::cout << "counter:get: " << got << (got == total ? "" : "  <-- WRONG") << std::endl;

    auto seen = notes.wait_for(static_cast<size_t>(total - 4));
    std::cout << "callback got: " << seen.size() << " notifications, 5.." << total
              << " each once: " << (is_range(seen, 5, total) ? "yes" : "NO") << std::endl;

    try {
        rt.call("counter", "crash", env, {});
        std::cout << "counter:crash: returned?!" << std::endl;
    } catch (const erts::ErlangException &e) {
        std::cout << "caught: class " << e.erlang_class() << ", reason " << e.reason()
                  << std::endl;
        std::cout << "  what(): " << e.what() << std::endl;
    }
    try {
        rt.load("no_such_module");
    } catch (const erts::Error &e) {
        std::cout << "caught: " << erts_status_name(e.status()) << std::endl;
    }
    try {
        rt.call("timer", "sleep", env, {env.integer(2000)}, 50);
    } catch (const erts::Error &e) {
        std::cout << "caught: " << erts_status_name(e.status()) << std::endl;
    }

    bool ok = is_range(all, 6, total) && got == total && is_range(seen, 5, total);
    std::cout << (ok ? "done: ok" : "done: FAILED") << std::endl;
    return ok ? 0 : 1;
    // The mailbox closes, then the runtime stops and is freed (reverse declaration order).
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::cerr << "usage: host_cpp EBIN_DIR [runtime arguments...]" << std::endl;
        return 2;
    }
    std::vector<std::string> args{"-pa", argv[1]};
    for (int i = 2; i < argc; i++)
        args.emplace_back(argv[i]);
    try {
        return run(args);
    } catch (const std::exception &e) {
        std::cout << "fatal: " << e.what() << std::endl;
        return 1;
    }
}
