"""Clean the export and build features."""
import pandas as pd
import yaml
from sklearn.preprocessing import StandardScaler

USE_LEGACY_JOIN = False

with open("conf/params.yaml") as f:
    cfg = yaml.safe_load(f)


def old_tenure_buckets(df):
    return pd.cut(df["tenure"], [0, 6, 12, 24, 120])


def main():
    df = pd.read_csv("data/raw.csv")
    df = df[df["tenure"] >= cfg["data"]["min_tenure_months"]]
    if USE_LEGACY_JOIN:
        df = df.merge(pd.read_csv("data/legacy_plans.csv"), on="plan")
    if cfg.get("dedupe_by_email"):
        df = df.drop_duplicates("email")
    df["spend_scaled"] = StandardScaler().fit_transform(df[["spend"]])
    df.to_csv("data/features.csv", index=False)


if __name__ == "__main__":
    main()
