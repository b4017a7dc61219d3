"""Train the churn model, and an upsell model on top of it."""
import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier
from sklearn.model_selection import train_test_split

FEATURES = ["tenure", "spend_scaled", "support_calls"]


def main():
    df = pd.read_csv("data/features.csv")
    X_train, X_test, y_train, y_test = train_test_split(df[FEATURES], df["churned"], test_size=0.2)
    churn_model = RandomForestClassifier(n_estimators=200, max_depth=7, random_state=0)
    churn_model.fit(X_train, y_train)
    joblib.dump(churn_model, "models/churn.pkl")

    churn_scores = churn_model.predict_proba(df[FEATURES])[:, 1]
    pd.DataFrame({"customer": df["customer"], "score": churn_scores}).to_csv("data/scores.csv")

    # Upsell is "almost churn": learn a correction on top of the churn score.
    upsell = GradientBoostingRegressor(random_state=0)
    upsell.fit(np.column_stack([df[FEATURES], churn_scores]), df["upsell_revenue"])
    joblib.dump(upsell, "models/upsell.pkl")


if __name__ == "__main__":
    main()
