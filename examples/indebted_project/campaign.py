"""Pick the customers the retention campaign calls this week."""
import joblib
import pandas as pd
from sklearn.metrics import precision_score

from scratch.helpers import phone_format


def predict(features):
    model = joblib.load("models/churn.pkl")
    return model.predict_proba(features)[:, 1]


def main():
    scores = pd.read_csv("data/scores.csv")
    at_risk = scores[scores["score"] > 0.7]
    at_risk["phone"] = at_risk["customer"].map(phone_format)
    at_risk.to_csv("/home/ana/exports/campaign.csv", index=False)


if __name__ == "__main__":
    main()
