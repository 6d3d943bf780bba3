#!/usr/bin/env python3
"""Expected values of scheduler_test.cpp, derived from the published formulas
(diffusers v0.40 docstrings and the papers they cite) in plain Python, in
double precision, with no numpy and no diffusers: an independent
implementation. Run it to print the constants pasted into the test.

    python3 tests/first_party/core/derive_expected.py
"""
import math


def linspace(a, b, n):
    if n == 1:
        return [a]
    step = (b - a) / (n - 1)
    out = [i * step + a for i in range(n)]
    out[-1] = b
    return out


def betas(kind, T=1000, start=0.0001, end=0.02):
    if kind == "linear":
        return linspace(start, end, T)
    if kind == "scaled_linear":
        return [b * b for b in linspace(math.sqrt(start), math.sqrt(end), T)]
    if kind == "squaredcos_cap_v2":
        f = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        return [min(1 - f((i + 1) / T) / f(i / T), 0.999) for i in range(T)]
    raise ValueError(kind)


def cumprod(bs):
    out, p = [], 1.0
    for b in bs:
        p *= 1 - b
        out.append(p)
    return out


def zero_snr(bs):
    s = [math.sqrt(a) for a in cumprod(bs)]
    s0, sT = s[0], s[-1]
    s = [(x - sT) * s0 / (s0 - sT) for x in s]
    ab = [x * x for x in s]
    alphas = [ab[0]] + [ab[i] / ab[i - 1] for i in range(1, len(ab))]
    return [1 - a for a in alphas]


def spacing(kind, T, n, offset=0, round_linspace=False):
    if kind == "linspace":
        ts = linspace(0, T - 1, n)
        if round_linspace:
            ts = [float(round(t)) for t in ts]  # Python's round is half-to-even, like numpy's
        return ts[::-1]
    if kind == "leading":
        r = T // n
        return [float(i * r + offset) for i in range(n)][::-1]
    if kind == "trailing":
        r = T / n
        count = math.ceil(T / r)
        return [float(round(T - i * r)) - 1 for i in range(count)]
    raise ValueError(kind)


def interp(x, fp):
    lo = int(math.floor(x))
    if lo >= len(fp) - 1:
        return fp[-1]
    w = x - lo
    return fp[lo] + w * (fp[lo + 1] - fp[lo])


def sigma_to_t(sigma, log_sigmas):
    ls = math.log(max(sigma, 1e-10))
    k = sum(1 for l in log_sigmas if ls - l >= 0)
    low = min(max(k - 1, 0), len(log_sigmas) - 2)
    lo, hi = log_sigmas[low], log_sigmas[low + 1]
    w = min(max((lo - ls) / (lo - hi), 0.0), 1.0)
    return (1 - w) * low + w * (low + 1)


def euler(n, beta_schedule="linear", start=0.0001, end=0.02, spacing_kind="linspace", offset=0,
          karras=False, final="zero", zsnr=False):
    T = 1000
    bs = betas(beta_schedule, T, start, end)
    if zsnr:
        bs = zero_snr(bs)
    ac = cumprod(bs)
    if zsnr:
        ac[-1] = 2.0 ** -24
    train = [math.sqrt((1 - a) / a) for a in ac]
    ts = spacing(spacing_kind, T, n, offset)
    sig = [interp(t, train) for t in ts]
    if karras:
        lo, hi, rho = sig[-1], sig[0], 7.0
        sig = [(hi ** (1 / rho) + r * (lo ** (1 / rho) - hi ** (1 / rho))) ** rho for r in linspace(0, 1, n)]
        logs = [math.log(s) for s in train]
        ts = [sigma_to_t(s, logs) for s in sig]
    sig.append(train[0] if final == "sigma_min" else 0.0)
    m = max(sig)
    init = m if spacing_kind in ("linspace", "trailing") else math.sqrt(m * m + 1)
    return ts, sig, init


def euler_step(pred, sigma, sigma_next, sample, out):
    if pred == "epsilon":
        x0 = [s - sigma * o for s, o in zip(sample, out)]
    elif pred == "v_prediction":
        x0 = [o * (-sigma / math.sqrt(sigma ** 2 + 1)) + s / (sigma ** 2 + 1) for s, o in zip(sample, out)]
    else:
        x0 = list(out)
    return [s + (s - x) / sigma * (sigma_next - sigma) for s, x in zip(sample, x0)], x0


def ddim_step(pred, ac, final_ac, t, prev_t, sample, out, clip=True):
    a = ac[t]
    ap = ac[prev_t] if prev_t >= 0 else final_ac
    b = 1 - a
    if pred == "epsilon":
        x0 = [(s - math.sqrt(b) * o) / math.sqrt(a) for s, o in zip(sample, out)]
        eps = list(out)
    elif pred == "sample":
        x0 = list(out)
        eps = [(s - math.sqrt(a) * x) / math.sqrt(b) for s, x in zip(sample, x0)]
    else:
        x0 = [math.sqrt(a) * s - math.sqrt(b) * o for s, o in zip(sample, out)]
        eps = [math.sqrt(a) * o + math.sqrt(b) * s for s, o in zip(sample, out)]
    if clip:
        x0 = [min(max(x, -1.0), 1.0) for x in x0]
    return [math.sqrt(ap) * x + math.sqrt(1 - ap) * e for x, e in zip(x0, eps)], x0


def flow(n, shift=1.0, mu=None, T=1000):
    shifted = lambda s: shift * s / (1 + (shift - 1) * s)
    train = [t / T for t in range(T, 0, -1)]
    if mu is None:
        train = [shifted(s) for s in train]
    smax, smin = train[0], train[-1]
    ts = linspace(smax * T, smin * T, n)
    sig = [t / T for t in ts]
    if mu is None:
        sig = [shifted(s) for s in sig]
    else:
        sig = [math.exp(mu) / (math.exp(mu) + (1 / s - 1)) for s in sig]
    return [s * T for s in sig], sig + [0.0]


def show(name, values):
    print(f"{name} = {{{', '.join(repr(v) for v in values)}}};")


SAMPLE = [1.0, -2.0, 0.5]
OUT = [0.1, 0.2, -0.3]

for label, kwargs, n in [
    ("euler_linear_linspace4", {}, 4),
    ("euler_linear_linspace3", {}, 3),
    ("euler_sd_leading5", dict(beta_schedule="scaled_linear", start=0.00085, end=0.012, spacing_kind="leading", offset=1), 5),
    ("euler_sd_trailing3", dict(beta_schedule="scaled_linear", start=0.00085, end=0.012, spacing_kind="trailing"), 3),
    ("euler_sd_karras4", dict(beta_schedule="scaled_linear", start=0.00085, end=0.012, karras=True), 4),
    ("euler_sigma_min3", dict(final="sigma_min"), 3),
    ("euler_cos3", dict(beta_schedule="squaredcos_cap_v2"), 3),
    ("euler_zsnr_trailing2", dict(beta_schedule="scaled_linear", start=0.00085, end=0.012, spacing_kind="trailing", zsnr=True), 2),
]:
    ts, sig, init = euler(n, **kwargs)
    print(f"// {label}")
    show("timesteps", ts)
    show("sigmas", sig)
    print(f"init_noise_sigma = {init!r};")

print("// euler one step from the first timestep of euler_sd_leading5 (sigma_0 -> sigma_1)")
ts, sig, init = euler(5, beta_schedule="scaled_linear", start=0.00085, end=0.012, spacing_kind="leading", offset=1)
show("scaled", [s / math.sqrt(sig[0] ** 2 + 1) for s in SAMPLE])
for pred in ["epsilon", "v_prediction", "sample"]:
    prev, x0 = euler_step(pred, sig[0], sig[1], SAMPLE, OUT)
    show(f"{pred}_prev", prev)
    show(f"{pred}_x0", x0)
print("// euler whole schedule of euler_linear_linspace4, model_output = 0.1 * sample each step")
ts, sig, init = euler(4)
x = [1.0, -2.0, 0.5]
for i in range(4):
    x, _ = euler_step("epsilon", sig[i], sig[i + 1], x, [0.1 * v for v in x])
show("final", x)
print("// euler add_noise at begin index 2 of euler_linear_linspace4")
show("noisy", [o + 0.5 * sig[2] for o in SAMPLE])

print("// ddim")
ac = cumprod(betas("linear"))
show("ddim_leading10", spacing("leading", 1000, 10))
show("ddim_linspace5", spacing("linspace", 1000, 5, round_linspace=True))
show("ddim_trailing3", spacing("trailing", 1000, 3))
show("ddim_leading4_offset1", spacing("leading", 1000, 4, offset=1))
for pred in ["epsilon", "v_prediction", "sample"]:
    prev, x0 = ddim_step(pred, ac, 1.0, 900, 800, SAMPLE, OUT)
    show(f"ddim_{pred}_900_prev", prev)
    show(f"ddim_{pred}_900_x0", x0)
prev, x0 = ddim_step("epsilon", ac, 1.0, 900, 800, SAMPLE, OUT, clip=False)
show("ddim_epsilon_900_noclip_prev", prev)
prev, _ = ddim_step("epsilon", ac, ac[0], 0, -100, SAMPLE, OUT)
show("ddim_last_alpha_first_prev", prev)
prev, _ = ddim_step("epsilon", ac, 1.0, 0, -100, SAMPLE, OUT)
show("ddim_last_alpha_one_prev", prev)
show("ddim_add_noise_500", [math.sqrt(ac[500]) * o + math.sqrt(1 - ac[500]) * 0.5 for o in SAMPLE])
print("// ddim from an euler config (scaled_linear 0.00085..0.012, trailing, v_prediction), step at 999 of 3")
ac_sd = cumprod(betas("scaled_linear", 1000, 0.00085, 0.012))
prev, _ = ddim_step("v_prediction", ac_sd, 1.0, 999, 666, SAMPLE, OUT)
show("swap_prev", prev)

print("// flow match")
for label, kwargs in [("flow_shift1_4", dict(shift=1.0)), ("flow_shift3_4", dict(shift=3.0)), ("flow_mu08_4", dict(mu=0.8))]:
    ts, sig = flow(4, **kwargs)
    print(f"// {label}")
    show("timesteps", ts)
    show("sigmas", sig)
ts, sig = flow(4, shift=3.0)
show("flow_shift3_step0_prev", [s + (sig[1] - sig[0]) * o for s, o in zip(SAMPLE, OUT)])
show("flow_shift3_step0_x0", [s - sig[0] * o for s, o in zip(SAMPLE, OUT)])
show("flow_shift3_scale_noise_at1", [sig[1] * 0.5 + (1 - sig[1]) * s for s in SAMPLE])

print("// guider rescale: cond = [1, 2, 3, 4], uncond = [0, 1, 1, 2], scale 5, rescale 0.7 (one sample)")
cond, unc = [1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 1.0, 2.0]
cfg = [u + 5 * (c - u) for c, u in zip(cond, unc)]
std = lambda v: math.sqrt(sum((x - sum(v) / len(v)) ** 2 for x in v) / (len(v) - 1))
r = std(cond) / std(cfg)
show("rescaled", [0.7 * x * r + 0.3 * x for x in cfg])
